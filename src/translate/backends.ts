// Backend phase: resolving a route's backendRef to an upstream cluster (Service port → EndpointSlice endpoints).

import type { IRBackendTarget, IRCluster, IREndpoint, IRUpstreamProtocol } from '../ir/types.ts';
import type { EndpointSlice, Service, ServicePort } from '../resources/core.ts';
import type { BackendObjectReference } from '../resources/gateway-api.ts';
import { GATEWAY_GROUP } from '../resources/gateway-api.ts';
import type { KubeObject } from '../resources/object.ts';
import { backendTLSKey } from './backendtls.ts';
import { key, type TranslateContext } from './context.ts';
import { isInferencePoolRef, resolvePoolBackend } from './inferencepool.ts';
import { referencePermitted } from './referencegrant.ts';

export type BackendProblemReason =
  | 'InvalidKind'
  | 'BackendNotFound'
  | 'RefNotPermitted'
  | 'UnsupportedProtocol';

export interface BackendResolution {
  target: IRBackendTarget;
  problem?: { reason: BackendProblemReason; message: string };
}

/** Service port `appProtocol` values (IANA names compare case-insensitively); TLS comes from BackendTLSPolicy. */
const appProtocols: Record<string, IRUpstreamProtocol> = {
  'kubernetes.io/h2c': 'h2c',
  'kubernetes.io/ws': 'ws',
  'kubernetes.io/wss': 'ws',
  http: 'http1',
  https: 'http1',
};

/** Resolves one backendRef of `route`, registering the cluster it names in `clusters`. */
export function resolveBackend(
  context: TranslateContext,
  route: KubeObject,
  ref: BackendObjectReference,
  clusters: Map<string, IRCluster>,
): BackendResolution {
  // gRPC always travels over HTTP/2, whatever the Service port's appProtocol says.
  const grpc = route.kind === 'GRPCRoute';
  const group = ref.group ?? '';
  const kind = ref.kind ?? 'Service';
  const routeNamespace = route.metadata.namespace ?? 'default';
  const namespace = ref.namespace ?? routeNamespace;
  const name = `${namespace}/${ref.name}`;
  if (isInferencePoolRef({ ...ref, group, kind })) return resolvePoolBackend(context, route, ref);
  if (group !== '' || kind !== 'Service') {
    return invalid(
      'InvalidKind',
      `backend kind ${group ? `${group}/` : ''}${kind} is not supported; use a Service`,
    );
  }
  // The grant is checked before existence so that a missing grant never reveals whether the Service exists.
  const from = { group: GATEWAY_GROUP, kind: route.kind, namespace: routeNamespace };
  if (!referencePermitted(context, from, { group: '', kind: 'Service', namespace, name: ref.name })) {
    return invalid(
      'RefNotPermitted',
      `no ReferenceGrant in namespace ${namespace} allows ${route.kind}s in ${routeNamespace} to use Service ${ref.name}`,
    );
  }
  const service = context.services.get(key(namespace, ref.name));
  if (!service) return invalid('BackendNotFound', `Service ${name} does not exist`);
  const servicePort = findServicePort(service, ref.port);
  if (!servicePort) return invalid('BackendNotFound', `Service ${name} has no port ${ref.port}`);
  const appProtocol = servicePort.appProtocol;
  const protocol =
    appProtocol === undefined
      ? 'http1'
      : appProtocols[appProtocol.startsWith('kubernetes.io/') ? appProtocol : appProtocol.toLowerCase()];
  if (protocol === undefined) {
    return invalid('UnsupportedProtocol', `appProtocol ${appProtocol} of Service ${name} is not supported`);
  }
  const tls =
    context.backendTLS.get(backendTLSKey(namespace, ref.name, servicePort.name ?? '')) ??
    context.backendTLS.get(backendTLSKey(namespace, ref.name, ''));
  // A policy that cannot be honoured fails the requests: never fall back to plaintext.
  if (tls && !tls.ok)
    return { target: { kind: 'invalid', status: 500, reason: `BackendTLSPolicy: ${tls.message}` } };
  const upstream = grpc ? 'h2c' : protocol;
  const id = `service/${namespace}/${ref.name}/${servicePort.port}${upstream === protocol ? '' : `/${upstream}`}`;
  if (!clusters.has(id)) {
    clusters.set(id, {
      id,
      protocol: upstream,
      endpoints: endpointsOf(context.endpointSlices.get(key(namespace, ref.name)) ?? [], servicePort),
      ...(tls ? { tls: tls.tls } : {}),
    });
  }
  return { target: { kind: 'cluster', cluster: id } };
}

function invalid(reason: BackendProblemReason, message: string): BackendResolution {
  return { target: { kind: 'invalid', status: 500, reason: message }, problem: { reason, message } };
}

function findServicePort(service: Service, port: number | undefined): ServicePort | undefined {
  const ports = service.spec.ports ?? [];
  return port === undefined
    ? ports.length === 1
      ? ports[0]
      : undefined
    : ports.find((p) => p.port === port);
}

/** Ready endpoints of the slices for one Service port, matched by port name as kube-proxy does. */
function endpointsOf(slices: EndpointSlice[], servicePort: ServicePort): IREndpoint[] {
  const endpoints: IREndpoint[] = [];
  const seen = new Set<string>();
  for (const slice of slices) {
    if (slice.addressType === 'FQDN') continue;
    const port = (slice.ports ?? []).find((p) => (p.name ?? '') === (servicePort.name ?? ''));
    if (port?.port === undefined) continue;
    for (const endpoint of slice.endpoints ?? []) {
      if (endpoint.conditions?.ready === false) continue;
      const address = endpoint.addresses[0];
      const id = `${address}:${port.port}`;
      if (address === undefined || seen.has(id)) continue;
      seen.add(id);
      endpoints.push({ address, port: port.port });
    }
  }
  return endpoints.sort((a, b) => `${a.address}:${a.port}`.localeCompare(`${b.address}:${b.port}`));
}
