// Listener certificates: resolving certificateRefs to PEM key pairs, with ReferenceGrant checks.

import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { IRCertificate, IRClientValidation } from '../ir/types.ts';
import type { Gateway, Listener } from '../resources/gateway-api.ts';
import { GATEWAY_GROUP } from '../resources/gateway-api.ts';
import type { KubeObject } from '../resources/object.ts';
import { key, type TranslateContext } from './context.ts';
import { referencePermitted } from './referencegrant.ts';

export type CertificateResolution =
  | { ok: true; certificates: IRCertificate[] }
  | {
      ok: false;
      reason: 'InvalidCertificateRef' | 'RefNotPermitted';
      message: string;
      certificates: IRCertificate[];
    };

/** Resolves a listener's certificateRefs from its owner's namespace (a Gateway's or a ListenerSet's). */
export function resolveListenerCertificates(
  context: TranslateContext,
  owner: KubeObject,
  listener: Listener,
): CertificateResolution {
  const certificates: IRCertificate[] = [];
  const problems: { reason: 'InvalidCertificateRef' | 'RefNotPermitted'; message: string }[] = [];
  const gatewayNamespace = owner.metadata.namespace ?? 'default';
  for (const ref of listener.tls?.certificateRefs ?? []) {
    const group = ref.group ?? '';
    const kind = ref.kind ?? 'Secret';
    const namespace = ref.namespace ?? gatewayNamespace;
    const name = `${namespace}/${ref.name}`;
    if (group !== '' || kind !== 'Secret') {
      problems.push({ reason: 'InvalidCertificateRef', message: `${group}/${kind} ${name} is not a Secret` });
      continue;
    }
    const from = { group: GATEWAY_GROUP, kind: owner.kind, namespace: gatewayNamespace };
    if (!referencePermitted(context, from, { group: '', kind: 'Secret', namespace, name: ref.name })) {
      problems.push({
        reason: 'RefNotPermitted',
        message: `no ReferenceGrant in namespace ${namespace} allows ${owner.kind}s in ${gatewayNamespace} to use Secret ${ref.name}`,
      });
      continue;
    }
    const secret = context.secrets.get(key(namespace, ref.name));
    if (!secret) {
      problems.push({ reason: 'InvalidCertificateRef', message: `Secret ${name} does not exist` });
      continue;
    }
    const pair = decodeKeyPair(secret.data?.['tls.crt'], secret.data?.['tls.key']);
    if (typeof pair === 'string') {
      problems.push({ reason: 'InvalidCertificateRef', message: `Secret ${name}: ${pair}` });
      continue;
    }
    certificates.push(pair);
  }
  if (problems.length === 0) return { ok: true, certificates };
  const first = problems.find((problem) => problem.reason === 'RefNotPermitted') ?? problems[0];
  return {
    ok: false,
    reason: first.reason,
    message: problems.map((p) => p.message).join('; '),
    certificates,
  };
}

/** Decodes a `kubernetes.io/tls` pair and checks that it parses and that the key fits the certificate. */
export function decodeKeyPair(
  crtBase64: string | undefined,
  keyBase64: string | undefined,
): IRCertificate | string {
  if (!crtBase64 || !keyBase64) return 'tls.crt and tls.key are required';
  const certPem = Buffer.from(crtBase64, 'base64').toString('utf8');
  const keyPem = Buffer.from(keyBase64, 'base64').toString('utf8');
  try {
    const certificate = new X509Certificate(certPem);
    if (!certificate.checkPrivateKey(createPrivateKey(keyPem))) return 'tls.key does not match tls.crt';
  } catch (error) {
    return `tls.crt or tls.key is not valid PEM (${(error as Error).message})`;
  }
  return { certPem, keyPem };
}

export type ClientValidationResolution =
  | { ok: true; validation?: IRClientValidation }
  | {
      ok: false;
      reason: 'InvalidCACertificateRef' | 'InvalidCACertificateKind' | 'RefNotPermitted';
      message: string;
      /** Some CA is still usable: the listener validates with it. Absent: no valid CA at all. */
      validation?: IRClientValidation;
    };

/** Frontend mTLS of an HTTPS listener: `spec.tls.frontend.perPort` for its port, else `default`. */
export function resolveClientValidation(
  context: TranslateContext,
  gateway: Gateway,
  port: number,
): ClientValidationResolution {
  const frontend = gateway.spec.tls?.frontend;
  const config = (frontend?.perPort?.find((entry) => entry.port === port)?.tls ?? frontend?.default)
    ?.validation;
  if (!config) return { ok: true };
  const gatewayNamespace = gateway.metadata.namespace ?? 'default';
  const caPems: string[] = [];
  const problems: {
    reason: 'InvalidCACertificateRef' | 'InvalidCACertificateKind' | 'RefNotPermitted';
    message: string;
  }[] = [];
  for (const ref of config.caCertificateRefs) {
    const namespace = ref.namespace ?? gatewayNamespace;
    if (ref.group !== '' || ref.kind !== 'ConfigMap') {
      problems.push({
        reason: 'InvalidCACertificateKind',
        message: `${ref.group}/${ref.kind} ${ref.name} is not a ConfigMap`,
      });
      continue;
    }
    const from = { group: GATEWAY_GROUP, kind: 'Gateway', namespace: gatewayNamespace };
    if (!referencePermitted(context, from, { group: '', kind: 'ConfigMap', namespace, name: ref.name })) {
      problems.push({
        reason: 'RefNotPermitted',
        message: `no ReferenceGrant in namespace ${namespace} allows Gateways in ${gatewayNamespace} to use ConfigMap ${ref.name}`,
      });
      continue;
    }
    const pem = context.configMaps.get(key(namespace, ref.name))?.data?.['ca.crt'];
    if (pem === undefined || !parsesAsCertificate(pem)) {
      problems.push({
        reason: 'InvalidCACertificateRef',
        message: `ConfigMap ${namespace}/${ref.name} has no valid ca.crt`,
      });
      continue;
    }
    caPems.push(pem);
  }
  const validation: IRClientValidation | undefined =
    caPems.length > 0 ? { caPems, mode: config.mode ?? 'AllowValidOnly' } : undefined;
  if (problems.length === 0) return { ok: true, ...(validation ? { validation } : {}) };
  return {
    ok: false,
    reason: problems[0].reason,
    message: problems.map((problem) => problem.message).join('; '),
    ...(validation ? { validation } : {}),
  };
}

export function parsesAsCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}
