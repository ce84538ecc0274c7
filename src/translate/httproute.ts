// HTTPRoute phase: attach each route to its parents, emit its entries on the listeners that serve it, and
// write its parent status.

import type { IRCluster } from '../ir/types.ts';
import type { HTTPRoute, ParentReference } from '../resources/gateway-api.ts';
import { GATEWAY_GROUP } from '../resources/gateway-api.ts';
import { attachRoute } from './attachment.ts';
import { condition } from './conditions.ts';
import type { TranslateContext } from './context.ts';
import type { GatewayVerdict } from './gateway.ts';
import { type CompiledRule, compileRules } from './httprules.ts';
import { listenerServes } from './listener.ts';
import type { ObjectStatus, StatusCondition } from './types.ts';

export function processHTTPRoutes(
  context: TranslateContext,
  gateways: GatewayVerdict[],
  clusters: Map<string, IRCluster>,
  status: Map<string, ObjectStatus>,
): void {
  const gatewaysByName = new Map(
    gateways.map((verdict) => [
      `${verdict.gateway.metadata.namespace}/${verdict.gateway.metadata.name}`,
      verdict,
    ]),
  );
  for (const route of context.httpRoutes) {
    const parents = (route.spec.parentRefs ?? []).flatMap((parentRef) => {
      if ((parentRef.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (parentRef.kind ?? 'Gateway') !== 'Gateway')
        return [];
      const parent = gatewaysByName.get(
        `${parentRef.namespace ?? route.metadata.namespace}/${parentRef.name}`,
      );
      return parent ? [{ parentRef, parent }] : [];
    });
    if (parents.length === 0) continue;
    const rules = compileRules(context, route, clusters);
    const parentStatuses = parents.map(({ parentRef, parent }) =>
      processParent(context, route, parentRef, parent, rules),
    );
    status.set(`HTTPRoute/${route.metadata.namespace}/${route.metadata.name}`, {
      object: route,
      status: { parents: parentStatuses },
    });
  }
}

function processParent(
  context: TranslateContext,
  route: HTTPRoute,
  parentRef: ParentReference,
  parent: GatewayVerdict,
  rules: CompiledRule[],
) {
  const echoedRef: ParentReference = { group: GATEWAY_GROUP, kind: 'Gateway', ...parentRef };
  const conditions: StatusCondition[] = [];
  const usable = rules.filter((rule) => rule.unsupported === undefined);
  const dropped = rules.filter((rule) => rule.unsupported !== undefined);
  const attachment = attachRoute(context, route, parentRef, parent);
  if (!attachment.ok) {
    conditions.push(condition(route, 'Accepted', false, attachment.reason, attachment.message));
  } else if (usable.length === 0 && rules.length > 0) {
    conditions.push(condition(route, 'Accepted', false, 'UnsupportedValue', describeDropped(dropped)));
  } else {
    conditions.push(condition(route, 'Accepted', true, 'Accepted', 'Route is accepted'));
    for (const { listener, hostnames } of attachment.attachments) {
      listener.attachedRoutes++;
      if (!listenerServes(listener)) continue;
      for (const rule of usable) {
        rule.matches.forEach((match, matchIndex) => {
          listener.routes.push({
            entry: {
              id: `httproute/${route.metadata.namespace}/${route.metadata.name}/rule/${rule.index}/match/${matchIndex}`,
              hostnames,
              match,
              filters: rule.filters,
              backends: rule.backends,
              ...(rule.timeouts ? { timeouts: rule.timeouts } : {}),
            },
            sortKey: {
              creationTimestamp: route.metadata.creationTimestamp ?? '',
              namespacedName: `${route.metadata.namespace}/${route.metadata.name}`,
              ruleIndex: rule.index,
              matchIndex,
            },
          });
        });
      }
    }
  }
  const refProblems = rules.flatMap((rule) => rule.refProblems);
  conditions.push(
    refProblems.length === 0
      ? condition(route, 'ResolvedRefs', true, 'ResolvedRefs', 'All references are resolved')
      : condition(
          route,
          'ResolvedRefs',
          false,
          refProblems[0].reason,
          refProblems.map((p) => p.message).join('; '),
        ),
  );
  if (attachment.ok && usable.length > 0 && dropped.length > 0) {
    conditions.push(condition(route, 'PartiallyInvalid', true, 'UnsupportedValue', describeDropped(dropped)));
  }
  return { parentRef: echoedRef, controllerName: context.options.controllerName, conditions };
}

function describeDropped(dropped: CompiledRule[]): string {
  return `Dropped Rule(s): ${dropped.map((rule) => `rule ${rule.index}: ${rule.unsupported}`).join('; ')}`;
}
