// The kinds Sluice reads from the API server, where each is served, and how to find out which are installed.

import { isPlainObject } from '../../resources/check.ts';
import { KubeApiError, type KubeClient } from './client.ts';

export interface WatchedKind {
  kind: string;
  /** The resource's plural name in API paths. */
  resource: string;
  /** apiVersions to read it as, preferred first: the first one the server serves is watched. */
  apiVersions: readonly string[];
  /** Never watched whole: only the objects other objects refer to or select (see dependents.ts). */
  referenced?: boolean;
  /** Sluice writes its status (status-writer.ts); the install's RBAC grants that from this flag. */
  reportsStatus?: boolean;
}

const gateway = 'gateway.networking.k8s.io';

export const watchedKinds: readonly WatchedKind[] = [
  { kind: 'GatewayClass', resource: 'gatewayclasses', apiVersions: [`${gateway}/v1`], reportsStatus: true },
  { kind: 'Gateway', resource: 'gateways', apiVersions: [`${gateway}/v1`], reportsStatus: true },
  { kind: 'HTTPRoute', resource: 'httproutes', apiVersions: [`${gateway}/v1`], reportsStatus: true },
  { kind: 'GRPCRoute', resource: 'grpcroutes', apiVersions: [`${gateway}/v1`], reportsStatus: true },
  {
    kind: 'ReferenceGrant',
    resource: 'referencegrants',
    apiVersions: [`${gateway}/v1`, `${gateway}/v1beta1`],
  },
  {
    kind: 'BackendTLSPolicy',
    resource: 'backendtlspolicies',
    apiVersions: [`${gateway}/v1`, `${gateway}/v1alpha3`],
    reportsStatus: true,
  },
  { kind: 'ListenerSet', resource: 'listenersets', apiVersions: [`${gateway}/v1`], reportsStatus: true },
  { kind: 'Namespace', resource: 'namespaces', apiVersions: ['v1'] },
  { kind: 'Service', resource: 'services', apiVersions: ['v1'] },
  { kind: 'EndpointSlice', resource: 'endpointslices', apiVersions: ['discovery.k8s.io/v1'] },
  { kind: 'Secret', resource: 'secrets', apiVersions: ['v1'], referenced: true },
  { kind: 'ConfigMap', resource: 'configmaps', apiVersions: ['v1'], referenced: true },
  {
    kind: 'InferencePool',
    resource: 'inferencepools',
    apiVersions: ['inference.networking.k8s.io/v1'],
    reportsStatus: true,
  },
  {
    kind: 'InferenceObjective',
    resource: 'inferenceobjectives',
    apiVersions: ['llm-d.ai/v1alpha2', 'inference.networking.x-k8s.io/v1alpha2'],
  },
  {
    kind: 'InferenceModelRewrite',
    resource: 'inferencemodelrewrites',
    apiVersions: ['llm-d.ai/v1alpha2', 'inference.networking.x-k8s.io/v1alpha2'],
  },
  { kind: 'Pod', resource: 'pods', apiVersions: ['v1'], referenced: true },
];

/** Kinds whose status Sluice writes. */
export const statusKinds: ReadonlySet<string> = new Set(
  watchedKinds.filter((kind) => kind.reportsStatus).map((kind) => kind.kind),
);

/** A kind as this API server serves it. */
export interface ServedKind {
  kind: string;
  apiVersion: string;
  resource: string;
  namespaced: boolean;
  referenced?: boolean;
}

/** `/api/v1` or `/apis/<group>/<version>`. */
export function apiBase(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** The collection path of a served kind, across namespaces or in one. */
export function collectionPath(served: ServedKind, namespace?: string): string {
  const scope = served.namespaced && namespace !== undefined ? `/namespaces/${namespace}` : '';
  return `${apiBase(served.apiVersion)}${scope}/${served.resource}`;
}

/** Resource name → namespaced, for one apiVersion; undefined when the server does not serve it. */
async function servedResources(
  client: KubeClient,
  apiVersion: string,
  signal: AbortSignal | undefined,
): Promise<Map<string, boolean> | undefined> {
  let list: Record<string, unknown>;
  try {
    list = await client.get(apiBase(apiVersion), signal);
  } catch (error) {
    if (error instanceof KubeApiError && error.httpStatus === 404) return undefined;
    throw error;
  }
  const resources = new Map<string, boolean>();
  for (const resource of Array.isArray(list.resources) ? list.resources : []) {
    if (isPlainObject(resource) && typeof resource.name === 'string') {
      resources.set(resource.name, resource.namespaced === true);
    }
  }
  return resources;
}

/** Which of `kinds` the server serves, and as what; the rest are returned as `missing`. */
export async function discoverKinds(
  client: KubeClient,
  kinds: readonly WatchedKind[] = watchedKinds,
  signal?: AbortSignal,
): Promise<{ served: ServedKind[]; missing: WatchedKind[] }> {
  const apiVersions = [...new Set(kinds.flatMap((kind) => kind.apiVersions))];
  const byVersion = new Map(
    await Promise.all(
      apiVersions.map(
        async (apiVersion) => [apiVersion, await servedResources(client, apiVersion, signal)] as const,
      ),
    ),
  );
  const served: ServedKind[] = [];
  const missing: WatchedKind[] = [];
  for (const kind of kinds) {
    const apiVersion = kind.apiVersions.find((candidate) => byVersion.get(candidate)?.has(kind.resource));
    if (apiVersion === undefined) {
      missing.push(kind);
      continue;
    }
    const namespaced = byVersion.get(apiVersion)?.get(kind.resource) ?? false;
    served.push({
      kind: kind.kind,
      apiVersion,
      resource: kind.resource,
      namespaced,
      ...(kind.referenced && { referenced: true }),
    });
  }
  return { served, missing };
}
