// The least-privilege RBAC rules of an install, derived from what Kubernetes mode does: it lists and
// watches the kinds in kinds.ts, writes the status subresource of the kinds it reports on, and keeps
// one Lease in its own namespace.

import { watchedKinds } from '../providers/kubernetes/kinds.ts';
import { groupOf } from '../resources/object.ts';

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}

/**
 * The kinds whose status the status writer (providers/kubernetes/status-writer.ts) writes. It writes
 * with PUT (update); patch is granted too so a writer that moves to merge patches needs no new install.
 */
const statusKinds = [
  'GatewayClass',
  'Gateway',
  'ListenerSet',
  'HTTPRoute',
  'GRPCRoute',
  'BackendTLSPolicy',
  'InferencePool',
];

const readVerbs = ['get', 'list', 'watch'];
const statusVerbs = ['get', 'patch', 'update'];

/** API group → resources, in the order the kinds are listed; a kind served under several groups is in each. */
function resourcesByGroup(kinds: readonly { resource: string; apiVersions: readonly string[] }[]) {
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

/** The cluster-wide rules: read every watched kind, write the status of the reported-on kinds. */
export function clusterRules(): PolicyRule[] {
  const reported = watchedKinds.filter((kind) => statusKinds.includes(kind.kind));
  const statusResources = reported.map((kind) => ({ ...kind, resource: `${kind.resource}/status` }));
  return [
    ...rulesFor(resourcesByGroup(watchedKinds), readVerbs),
    ...rulesFor(resourcesByGroup(statusResources), statusVerbs),
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
