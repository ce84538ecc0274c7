// Which Gateways use a backend: the parents where routes that reference it are accepted. Policy and
// InferencePool status report these Gateways as their ancestors or parents.

import type { KubeObject } from '../resources/object.ts';
import type { TranslateContext } from './context.ts';
import type { ObjectStatus, StatusCondition } from './types.ts';

interface BackendRefLike {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
}

/** `namespace/name` of the Gateways whose accepted routes have a backendRef for which `refers` holds. */
export function gatewaysUsing(
  context: TranslateContext,
  status: Map<string, ObjectStatus>,
  refers: (ref: BackendRefLike, routeNamespace: string) => boolean,
): string[] {
  const gateways = new Set<string>();
  const routes: (KubeObject & { spec: { rules?: { backendRefs?: BackendRefLike[] }[] } })[] = [
    ...context.httpRoutes,
    ...context.grpcRoutes,
  ];
  for (const route of routes) {
    const namespace = route.metadata.namespace ?? 'default';
    const uses = (route.spec.rules ?? []).some((rule) =>
      (rule.backendRefs ?? []).some((ref) => refers(ref, namespace)),
    );
    if (!uses) continue;
    const parents = (status.get(`${route.kind}/${namespace}/${route.metadata.name}`)?.status.parents ??
      []) as {
      parentRef: { kind?: string; namespace?: string; name: string };
      conditions: StatusCondition[];
    }[];
    for (const parent of parents) {
      if ((parent.parentRef.kind ?? 'Gateway') !== 'Gateway') continue;
      if (!parent.conditions.some((c) => c.type === 'Accepted' && c.status === 'True')) continue;
      gateways.add(`${parent.parentRef.namespace ?? namespace}/${parent.parentRef.name}`);
    }
  }
  return [...gateways].sort();
}
