// Gateway `spec.tls.backend.clientCertificateRef`: the certificate a Gateway presents to TLS backends. The
// clusters its routes reach over TLS get a per-Gateway copy carrying the certificate.

import type { IRBackend, IRCertificate, IRCluster, IRFilter } from '../ir/types.ts';
import type { Gateway } from '../resources/gateway-api.ts';
import { GATEWAY_GROUP } from '../resources/gateway-api.ts';
import { key, type TranslateContext } from './context.ts';
import type { GatewayVerdict } from './gateway.ts';
import type { Verdict } from './listener.ts';
import { referencePermitted } from './referencegrant.ts';
import { decodeKeyPair } from './tls.ts';

export interface BackendClientCertificate {
  verdict: Verdict;
  certificate?: IRCertificate;
}

/** Undefined when the Gateway names no backend client certificate. */
export function resolveBackendClientCertificate(
  context: TranslateContext,
  gateway: Gateway,
): BackendClientCertificate | undefined {
  const ref = gateway.spec.tls?.backend?.clientCertificateRef;
  if (!ref) return undefined;
  const gatewayNamespace = gateway.metadata.namespace ?? 'default';
  const namespace = ref.namespace ?? gatewayNamespace;
  const fail = (reason: string, message: string) => ({ verdict: { ok: false, reason, message } });
  if ((ref.group ?? '') !== '' || (ref.kind ?? 'Secret') !== 'Secret') {
    return fail('InvalidClientCertificateRef', `${ref.group}/${ref.kind} ${ref.name} is not a Secret`);
  }
  const from = { group: GATEWAY_GROUP, kind: 'Gateway', namespace: gatewayNamespace };
  if (!referencePermitted(context, from, { group: '', kind: 'Secret', namespace, name: ref.name })) {
    return fail(
      'RefNotPermitted',
      `no ReferenceGrant in namespace ${namespace} allows Gateways in ${gatewayNamespace} to use Secret ${ref.name}`,
    );
  }
  const secret = context.secrets.get(key(namespace, ref.name));
  if (!secret) return fail('InvalidClientCertificateRef', `Secret ${namespace}/${ref.name} does not exist`);
  const pair = decodeKeyPair(secret.data?.['tls.crt'], secret.data?.['tls.key']);
  if (typeof pair === 'string')
    return fail('InvalidClientCertificateRef', `Secret ${namespace}/${ref.name}: ${pair}`);
  return {
    verdict: { ok: true, reason: 'ResolvedRefs', message: 'All references are resolved' },
    certificate: pair,
  };
}

/** Rewrites the entries of each Gateway with a client certificate to use per-Gateway copies of TLS clusters. */
export function applyBackendClientCertificates(
  gateways: GatewayVerdict[],
  clusters: Map<string, IRCluster>,
): void {
  for (const verdict of gateways) {
    const certificate = verdict.backendClientCertificate?.certificate;
    if (!certificate) continue;
    const suffix = `@${verdict.gateway.metadata.namespace}/${verdict.gateway.metadata.name}`;
    const withCertificate = (clusterId: string): string => {
      const cluster = clusters.get(clusterId);
      if (!cluster?.tls) return clusterId;
      const id = `${clusterId}${suffix}`;
      if (!clusters.has(id))
        clusters.set(id, { ...cluster, id, tls: { ...cluster.tls, clientCertificate: certificate } });
      return id;
    };
    const rewriteFilters = (filters: IRFilter[]): IRFilter[] =>
      filters.map((filter) =>
        filter.type === 'RequestMirror'
          ? { ...filter, mirror: { ...filter.mirror, cluster: withCertificate(filter.mirror.cluster) } }
          : filter,
      );
    const rewriteBackend = (backend: IRBackend): IRBackend => ({
      ...backend,
      target:
        backend.target.kind === 'cluster'
          ? { kind: 'cluster', cluster: withCertificate(backend.target.cluster) }
          : backend.target,
      filters: rewriteFilters(backend.filters),
    });
    for (const listener of verdict.listeners) {
      for (const route of listener.routes) {
        route.entry = {
          ...route.entry,
          filters: rewriteFilters(route.entry.filters),
          backends: route.entry.backends.map(rewriteBackend),
        };
      }
    }
  }
}
