// BackendTLSPolicy phase: which policy secures which Service port, the TLS settings it gives the clusters that
// reach it, and the policy status (ancestors are the Gateways whose routes use the Service).

import type { IRUpstreamTLS } from '../ir/types.ts';
import type { BackendTLSPolicy } from '../resources/gateway-api.ts';
import { GATEWAY_GROUP } from '../resources/gateway-api.ts';
import { condition } from './conditions.ts';
import { key, type TranslateContext } from './context.ts';
import { parsesAsCertificate } from './tls.ts';
import type { ObjectStatus, StatusCondition } from './types.ts';
import { gatewaysUsing } from './usage.ts';

/** What a policy gives the Service port it targets: TLS settings, or a reason why requests must fail. */
export type BackendTLS = { ok: true; tls: IRUpstreamTLS } | { ok: false; message: string };

export interface PolicyVerdict {
  policy: BackendTLSPolicy;
  conditions(): StatusCondition[];
}

export interface BackendTLSResolution {
  /** By `namespace/service/sectionName` (`''` section: the whole Service). */
  targets: Map<string, BackendTLS>;
  verdicts: PolicyVerdict[];
}

export function backendTLSKey(namespace: string, service: string, sectionName: string): string {
  return `${namespace}/${service}/${sectionName}`;
}

/** Resolves every policy, oldest first: a newer policy for the same Service and section is `Conflicted`. */
export function resolveBackendTLSPolicies(context: TranslateContext): BackendTLSResolution {
  const targets = new Map<string, BackendTLS>();
  const verdicts: PolicyVerdict[] = [];
  for (const policy of context.backendTLSPolicies) {
    const namespace = policy.metadata.namespace ?? 'default';
    const services = policy.spec.targetRefs.filter((ref) => ref.group === '' && ref.kind === 'Service');
    const keys = services.map((ref) => backendTLSKey(namespace, ref.name, ref.sectionName ?? ''));
    const conflicted = keys.some((targetKey) => targets.has(targetKey));
    const outcome = resolvePolicy(context, policy);
    if (!conflicted) for (const targetKey of keys) targets.set(targetKey, outcome.tls);
    verdicts.push({
      policy,
      conditions: () => {
        if (conflicted) {
          return [
            condition(
              policy,
              'Accepted',
              false,
              'Conflicted',
              'an older BackendTLSPolicy targets the same Service port',
            ),
            condition(policy, 'ResolvedRefs', outcome.refs.ok, outcome.refs.reason, outcome.refs.message),
          ];
        }
        if (services.length === 0) {
          return [condition(policy, 'Accepted', false, 'TargetNotFound', 'no targetRef names a Service')];
        }
        return [
          outcome.tls.ok
            ? condition(policy, 'Accepted', true, 'Accepted', 'Policy is accepted')
            : condition(policy, 'Accepted', false, outcome.acceptedReason, outcome.tls.message),
          condition(policy, 'ResolvedRefs', outcome.refs.ok, outcome.refs.reason, outcome.refs.message),
        ];
      },
    });
  }
  return { targets, verdicts };
}

interface PolicyOutcome {
  tls: BackendTLS;
  acceptedReason: string;
  refs: { ok: boolean; reason: string; message: string };
}

function resolvePolicy(context: TranslateContext, policy: BackendTLSPolicy): PolicyOutcome {
  const { validation } = policy.spec;
  const namespace = policy.metadata.namespace ?? 'default';
  const resolvedRefs = { ok: true, reason: 'ResolvedRefs', message: 'All references are resolved' };
  const base = {
    serverName: validation.hostname,
    ...(validation.subjectAltNames?.length
      ? {
          subjectAltNames: validation.subjectAltNames.map((san) =>
            san.type === 'URI'
              ? { type: 'URI' as const, value: san.uri ?? '' }
              : { type: 'Hostname' as const, value: san.hostname ?? '' },
          ),
        }
      : {}),
  };
  if (validation.wellKnownCACertificates !== undefined) {
    if (validation.wellKnownCACertificates === 'System') {
      return {
        tls: { ok: true, tls: { ...base, ca: 'system' } },
        acceptedReason: 'Accepted',
        refs: resolvedRefs,
      };
    }
    const message = `wellKnownCACertificates ${validation.wellKnownCACertificates} is not supported; use System`;
    return { tls: { ok: false, message }, acceptedReason: 'Invalid', refs: resolvedRefs };
  }
  const pems: string[] = [];
  const problems: { reason: string; message: string }[] = [];
  for (const ref of validation.caCertificateRefs ?? []) {
    if (ref.group !== '' || ref.kind !== 'ConfigMap') {
      problems.push({
        reason: 'InvalidKind',
        message: `${ref.group}/${ref.kind} ${ref.name} is not a ConfigMap`,
      });
      continue;
    }
    const pem = context.configMaps.get(key(namespace, ref.name))?.data?.['ca.crt'];
    if (pem === undefined) {
      problems.push({
        reason: 'InvalidCACertificateRef',
        message: `ConfigMap ${namespace}/${ref.name} has no ca.crt`,
      });
    } else if (!parsesAsCertificate(pem)) {
      problems.push({
        reason: 'InvalidCACertificateRef',
        message: `ca.crt of ConfigMap ${namespace}/${ref.name} is not a PEM certificate`,
      });
    } else pems.push(pem);
  }
  const refs =
    problems.length === 0
      ? resolvedRefs
      : { ok: false, reason: problems[0].reason, message: problems.map((p) => p.message).join('; ') };
  if (pems.length === 0) {
    return {
      tls: { ok: false, message: 'no valid CA certificate: requests to this backend fail' },
      acceptedReason: 'NoValidCACertificate',
      refs,
    };
  }
  return { tls: { ok: true, tls: { ...base, ca: { pems } } }, acceptedReason: 'Accepted', refs };
}

/** Policy status. Ancestors are the Gateways whose accepted routes use a targeted Service. */
export function writeBackendTLSStatus(
  context: TranslateContext,
  verdicts: PolicyVerdict[],
  status: Map<string, ObjectStatus>,
): void {
  for (const verdict of verdicts) {
    const namespace = verdict.policy.metadata.namespace ?? 'default';
    const targets = new Set(verdict.policy.spec.targetRefs.map((ref) => ref.name));
    const gateways = gatewaysUsing(
      context,
      status,
      (ref, routeNamespace) =>
        (ref.group ?? '') === '' &&
        (ref.kind ?? 'Service') === 'Service' &&
        (ref.namespace ?? routeNamespace) === namespace &&
        targets.has(ref.name),
    );
    const conditions = verdict.conditions();
    status.set(`BackendTLSPolicy/${namespace}/${verdict.policy.metadata.name}`, {
      object: verdict.policy,
      status: {
        ancestors: gateways.map((gateway) => {
          const [gatewayNamespace, name] = gateway.split('/');
          return {
            ancestorRef: { group: GATEWAY_GROUP, kind: 'Gateway', namespace: gatewayNamespace, name },
            controllerName: context.options.controllerName,
            conditions,
          };
        }),
      },
    });
  }
}
