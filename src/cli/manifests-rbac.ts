// The least-privilege RBAC rules of an install, derived from what Kubernetes mode does: it lists and
// watches the kinds in kinds.ts, writes the status subresource of the kinds it reports on (reading such an
// object again after a write conflict), and keeps one Lease in its own namespace. Nothing is granted that
// the provider does not ask for: it never GETs one object of a kind it only watches, and writes status
// with PUT, never PATCH.

import { type WatchedKind, watchedKinds } from '../providers/kubernetes/kinds.ts';
import { groupOf } from '../resources/object.ts';

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}

/** API group → resources, in the order the kinds are listed; a kind served under several groups is in each. */
function resourcesByGroup(kinds: readonly WatchedKind[]) {
  const byGroup = new Map<string, string[]>();
  for (const kind of kinds) {
    for (const group of new Set(kind.apiVersions.map(groupOf))) {
      const resources = byGroup.get(group) ?? [];
      if (!resources.includes(kind.resource)) resources.push(kind.resource);
      byGroup.set(group, resources);
    }
  }
  return byGroup;
}

/** Groups that serve the same resources share one rule, so the rules read like a hand-written ClusterRole. */
function rulesFor(byGroup: Map<string, string[]>, verbs: string[]): PolicyRule[] {
  const rules = new Map<string, PolicyRule>();
  for (const [group, resources] of byGroup) {
    const key = resources.join(',');
    const rule = rules.get(key);
    if (rule) rule.apiGroups.push(group);
    else rules.set(key, { apiGroups: [group], resources, verbs });
  }
  return [...rules.values()];
}

/**
 * The cluster-wide rules: list and watch every watched kind; for the kinds Sluice reports on, get (the
 * status writer reads the object again after a 409 Conflict) and update their status.
 */
export function clusterRules(): PolicyRule[] {
  const reported = watchedKinds.filter((kind) => kind.reportsStatus);
  const statusResources = reported.map((kind) => ({ ...kind, resource: `${kind.resource}/status` }));
  return [
    ...rulesFor(resourcesByGroup(watchedKinds), ['list', 'watch']),
    ...rulesFor(resourcesByGroup(reported), ['get']),
    ...rulesFor(resourcesByGroup(statusResources), ['update']),
  ];
}

/** The rules in the install's namespace: create the leader Lease, then read and renew only that one. */
export function leaderElectionRules(leaseName: string): PolicyRule[] {
  return [
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    {
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      resourceNames: [leaseName],
      verbs: ['get', 'update'],
    },
  ];
}
