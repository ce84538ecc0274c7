// Route phase, shared by HTTPRoute and GRPCRoute: attach each route to its parents, emit its entries on the
// listeners that serve it, and write its parent status.

import type { ParentReference } from '../resources/gateway-api.ts';
import { GATEWAY_GROUP } from '../resources/gateway-api.ts';
import type { KubeObject } from '../resources/object.ts';
import { type AttachmentParent, attachRoute, gatewayParent, listenerSetParent } from './attachment.ts';
import { condition } from './conditions.ts';
import type { TranslateContext } from './context.ts';
import type { GatewayVerdict } from './gateway.ts';
import type { CompiledRule } from './httprules.ts';
import { listenerServes } from './listener.ts';
import type { ObjectStatus, StatusCondition } from './types.ts';

/** A route of any kind; its rules are compiled only when it has a parent Sluice owns. */
export interface RouteSource {
  route: KubeObject & { spec: { parentRefs?: ParentReference[]; hostnames?: string[] } };
  kind: 'http' | 'grpc';
  compile(): CompiledRule[];
}

interface CompiledRoute {
  route: RouteSource['route'];
  kind: RouteSource['kind'];
  rules: CompiledRule[];
}

export function processRoutes(
  context: TranslateContext,
  gateways: GatewayVerdict[],
  routes: RouteSource[],
  status: Map<string, ObjectStatus>,
): void {
  const parentsByRef = new Map<string, AttachmentParent>();
  for (const verdict of gateways) {
    const { namespace, name } = verdict.gateway.metadata;
    parentsByRef.set(`Gateway/${namespace}/${name}`, gatewayParent(verdict));
    for (const set of verdict.listenerSets) {
      const setMeta = set.listenerSet.metadata;
      parentsByRef.set(`ListenerSet/${setMeta.namespace}/${setMeta.name}`, listenerSetParent(verdict, set));
    }
  }
  for (const source of routes) {
    const { route } = source;
    const parents = (route.spec.parentRefs ?? []).flatMap((parentRef) => {
      if ((parentRef.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP) return [];
      const kind = parentRef.kind ?? 'Gateway';
      const parent = parentsByRef.get(
        `${kind}/${parentRef.namespace ?? route.metadata.namespace}/${parentRef.name}`,
      );
      return parent ? [{ parentRef, parent }] : [];
    });
    if (parents.length === 0) continue;
    const compiled: CompiledRoute = { route, kind: source.kind, rules: source.compile() };
    const parentStatuses = parents.map(({ parentRef, parent }) =>
      processParent(context, compiled, parentRef, parent),
    );
    status.set(`${route.kind}/${route.metadata.namespace}/${route.metadata.name}`, {
      object: route,
      status: { parents: parentStatuses },
    });
  }
}

function processParent(
  context: TranslateContext,
  compiled: CompiledRoute,
  parentRef: ParentReference,
  parent: AttachmentParent,
) {
  const { route, rules } = compiled;
  const echoedRef: ParentReference = { group: GATEWAY_GROUP, kind: parent.kind, ...parentRef };
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
              id: `${route.kind.toLowerCase()}/${route.metadata.namespace}/${route.metadata.name}/rule/${rule.index}/match/${matchIndex}`,
              hostnames,
              match,
              filters: rule.filters,
              backends: rule.backends,
              ...(rule.timeouts ? { timeouts: rule.timeouts } : {}),
              ...(rule.retry ? { retry: rule.retry } : {}),
              ...(rule.sessionPersistence ? { sessionPersistence: rule.sessionPersistence } : {}),
              ...(compiled.kind === 'grpc' ? { kind: 'grpc' as const } : {}),
            },
            sortKey: {
              creationTimestamp: route.metadata.creationTimestamp ?? '',
              namespacedName: `${route.metadata.namespace}/${route.metadata.name}`,
              ruleIndex: rule.index,
              matchIndex,
              ...(rule.grpcMethods ? { grpc: rule.grpcMethods[matchIndex] } : {}),
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
