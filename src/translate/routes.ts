// Route phase, shared by HTTPRoute and GRPCRoute: attach each route to its parents, settle HTTPRoute and
// GRPCRoute hostname conflicts between them, emit each route's entries on the listeners that serve it,
// and write its parent status.

import type { ParentReference } from '../resources/gateway-api.ts';
import { GATEWAY_GROUP } from '../resources/gateway-api.ts';
import type { KubeObject } from '../resources/object.ts';
import {
  type AttachmentParent,
  type AttachmentResult,
  attachRoute,
  gatewayParent,
  listenerSetParent,
} from './attachment.ts';
import { condition } from './conditions.ts';
import type { TranslateContext } from './context.ts';
import { resolveCrossServing } from './crossserving.ts';
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
  /** Some rule can be served, or the route has none: it is accepted wherever it attaches. */
  acceptable: boolean;
  /** Where each of its parentRefs that names a parent Sluice owns attaches it. */
  parents: ParentAttachment[];
}

interface ParentAttachment {
  parentRef: ParentReference;
  parent: AttachmentParent;
  attachment: AttachmentResult;
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
  const compiledRoutes: CompiledRoute[] = [];
  for (const source of routes) {
    const { route } = source;
    const parents = (route.spec.parentRefs ?? []).flatMap((parentRef) => {
      if ((parentRef.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP) return [];
      const kind = parentRef.kind ?? 'Gateway';
      const parent = parentsByRef.get(
        `${kind}/${parentRef.namespace ?? route.metadata.namespace}/${parentRef.name}`,
      );
      return parent
        ? [{ parentRef, parent, attachment: attachRoute(context, route, parentRef, parent) }]
        : [];
    });
    if (parents.length === 0) continue;
    const rules = source.compile();
    const acceptable = rules.length === 0 || rules.some((rule) => rule.unsupported === undefined);
    compiledRoutes.push({ route, kind: source.kind, rules, acceptable, parents });
  }
  resolveCrossServing(compiledRoutes);
  for (const compiled of compiledRoutes) {
    const { route } = compiled;
    status.set(`${route.kind}/${route.metadata.namespace}/${route.metadata.name}`, {
      object: route,
      status: { parents: compiled.parents.map((parent) => processParent(context, compiled, parent)) },
    });
  }
}

function processParent(
  context: TranslateContext,
  compiled: CompiledRoute,
  { parentRef, parent, attachment }: ParentAttachment,
) {
  const { route, rules } = compiled;
  const echoedRef: ParentReference = { group: GATEWAY_GROUP, kind: parent.kind, ...parentRef };
  const conditions: StatusCondition[] = [];
  const usable = rules.filter((rule) => rule.unsupported === undefined);
  const dropped = rules.filter((rule) => rule.unsupported !== undefined);
  if (!attachment.ok) {
    conditions.push(condition(route, 'Accepted', false, attachment.reason, attachment.message));
  } else if (!compiled.acceptable) {
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
