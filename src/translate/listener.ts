// Listener phase: protocol support, allowed route kinds, TLS references and conflicts inside a Gateway.

import type { IRCertificate, IRClientValidation, IRRoute } from '../ir/types.ts';
import type { Gateway, Listener, RouteGroupKind } from '../resources/gateway-api.ts';
import { GATEWAY_GROUP } from '../resources/gateway-api.ts';
import type { KubeObject } from '../resources/object.ts';
import type { TranslateContext } from './context.ts';
import { resolveClientValidation, resolveListenerCertificates } from './tls.ts';

/** Route kinds each supported listener protocol can carry. */
const routeKindsByProtocol: Record<string, readonly string[]> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'],
  HTTPS: ['HTTPRoute', 'GRPCRoute'],
};

export interface Verdict {
  ok: boolean;
  reason: string;
  message: string;
}

export interface ListenerVerdict {
  listener: Listener;
  gateway: Gateway;
  /** The object that declares the listener: the Gateway itself or a ListenerSet attached to it. */
  owner: KubeObject;
  supportedKinds: RouteGroupKind[];
  accepted: Verdict;
  resolvedRefs: Verdict;
  conflicted?: { reason: 'HostnameConflict' | 'ProtocolConflict'; message: string };
  certificates: IRCertificate[];
  /** HTTPS only: every certificateRef resolved to a usable key pair. */
  certificatesResolved: boolean;
  clientValidation?: IRClientValidation;
  /** Accepted routes attached to this listener (counted even when the listener cannot serve). */
  attachedRoutes: number;
  /** Route entries that will be served on this listener. */
  routes: { entry: IRRoute; sortKey: RouteSortKey }[];
}

/** What precedence needs to know about an entry besides its match (see precedence.ts). */
export interface RouteSortKey {
  creationTimestamp: string;
  namespacedName: string;
  ruleIndex: number;
  matchIndex: number;
  /** GRPCRoute matches rank by the characters of their service, then of their method. */
  grpc?: GrpcMethodRank;
}

export interface GrpcMethodRank {
  serviceLength: number;
  methodLength: number;
}

const ok = (reason: string, message: string): Verdict => ({ ok: true, reason, message });
const fail = (reason: string, message: string): Verdict => ({ ok: false, reason, message });

export function processListeners(context: TranslateContext, gateway: Gateway): ListenerVerdict[] {
  const verdicts = gateway.spec.listeners.map((listener) =>
    processListener(context, gateway, gateway, listener),
  );
  markConflicts(verdicts);
  return verdicts;
}

/**
 * Listeners of a ListenerSet, merged after those already on the Gateway: a listener that conflicts with
 * one of higher precedence (the Gateway's, then older ListenerSets') is `Conflicted`; the other keeps working.
 */
export function processListenerSetListeners(
  context: TranslateContext,
  gateway: Gateway,
  owner: KubeObject,
  listeners: Listener[],
  merged: ListenerVerdict[],
): ListenerVerdict[] {
  const verdicts = listeners.map((listener) => processListener(context, gateway, owner, listener));
  markConflicts(verdicts);
  for (const verdict of verdicts) {
    // Conflicts are found even for protocols Sluice does not serve: the conflict is the reason reported.
    if (verdict.conflicted) continue;
    const { port, protocol, hostname } = verdict.listener;
    const earlier = merged.find(
      (other) => other.accepted.ok && !other.conflicted && other.listener.port === port,
    );
    if (!earlier) continue;
    if (earlier.listener.protocol !== protocol) {
      verdict.conflicted = {
        reason: 'ProtocolConflict',
        message: `port ${port} is used with protocol ${earlier.listener.protocol}`,
      };
    } else if (
      merged.some(
        (other) =>
          other.accepted.ok &&
          !other.conflicted &&
          other.listener.port === port &&
          (other.listener.hostname ?? '') === (hostname ?? ''),
      )
    ) {
      verdict.conflicted = {
        reason: 'HostnameConflict',
        message: `port ${port} and hostname "${hostname ?? ''}" are taken`,
      };
    }
  }
  return verdicts;
}

function processListener(
  context: TranslateContext,
  gateway: Gateway,
  owner: KubeObject,
  listener: Listener,
): ListenerVerdict {
  const verdict: ListenerVerdict = {
    listener,
    gateway,
    owner,
    supportedKinds: [],
    accepted: ok('Accepted', 'Listener is accepted'),
    resolvedRefs: ok('ResolvedRefs', 'All references are resolved'),
    certificates: [],
    certificatesResolved: listener.protocol !== 'HTTPS',
    attachedRoutes: 0,
    routes: [],
  };
  const carried = routeKindsByProtocol[listener.protocol];
  if (!carried) {
    verdict.accepted = fail(
      'UnsupportedProtocol',
      `protocol ${listener.protocol} is not supported; use HTTP or HTTPS`,
    );
    // Kinds asked for on a listener that carries none are all unsupported.
    const kinds = listener.allowedRoutes?.kinds ?? [];
    if (kinds.length > 0) {
      verdict.resolvedRefs = fail(
        'InvalidRouteKinds',
        `route kinds ${kinds.map((kind) => `${kind.group ?? GATEWAY_GROUP}/${kind.kind}`).join(', ')} are not supported on ${listener.protocol} listeners`,
      );
    }
    return verdict;
  }
  const requested = listener.allowedRoutes?.kinds;
  if (requested === undefined) {
    verdict.supportedKinds = carried.map((kind) => ({ group: GATEWAY_GROUP, kind }));
  } else {
    const invalid: string[] = [];
    for (const kind of requested) {
      const group = kind.group ?? GATEWAY_GROUP;
      if (group === GATEWAY_GROUP && carried.includes(kind.kind))
        verdict.supportedKinds.push({ group, kind: kind.kind });
      else invalid.push(`${group}/${kind.kind}`);
    }
    if (invalid.length > 0) {
      verdict.resolvedRefs = fail(
        'InvalidRouteKinds',
        `route kinds ${invalid.join(', ')} are not supported on ${listener.protocol} listeners`,
      );
    }
  }
  if (listener.protocol === 'HTTPS') {
    const resolution = resolveListenerCertificates(context, owner, listener);
    verdict.certificates = resolution.certificates;
    verdict.certificatesResolved = resolution.ok && resolution.certificates.length > 0;
    if (!resolution.ok && verdict.resolvedRefs.ok)
      verdict.resolvedRefs = fail(resolution.reason, resolution.message);
    else if (resolution.ok && resolution.certificates.length === 0) {
      verdict.resolvedRefs = fail('InvalidCertificateRef', 'an HTTPS listener needs a certificateRef');
    }
    const client = resolveClientValidation(context, gateway, listener.port);
    if (client.validation) verdict.clientValidation = client.validation;
    if (!client.ok) {
      if (verdict.resolvedRefs.ok) verdict.resolvedRefs = fail(client.reason, client.message);
      // Without any valid CA the listener cannot check client certificates, so it must not accept connections.
      if (!client.validation) verdict.accepted = fail('NoValidCACertificate', client.message);
    }
  }
  return verdict;
}

/** Listeners on one port must agree on the protocol and differ in hostname; violators all lose. */
function markConflicts(verdicts: ListenerVerdict[]): void {
  const byPort = Map.groupBy(
    verdicts.filter((verdict) => verdict.accepted.ok),
    (verdict) => verdict.listener.port,
  );
  for (const [port, group] of byPort) {
    const protocols = new Set(group.map((verdict) => verdict.listener.protocol));
    if (protocols.size > 1) {
      for (const verdict of group) {
        verdict.conflicted = {
          reason: 'ProtocolConflict',
          message: `port ${port} is used by listeners of protocols ${[...protocols].sort().join(', ')}`,
        };
      }
      continue;
    }
    const byHostname = Map.groupBy(group, (verdict) => verdict.listener.hostname ?? '');
    for (const [hostname, same] of byHostname) {
      if (same.length < 2) continue;
      for (const verdict of same) {
        verdict.conflicted = {
          reason: 'HostnameConflict',
          message: `listeners ${same.map((v) => v.listener.name).join(', ')} share port ${port} and hostname "${hostname}"`,
        };
      }
    }
  }
}

/** Whether a listener can carry traffic: accepted, references resolved, no conflict. */
export function listenerServes(verdict: ListenerVerdict): boolean {
  return verdict.accepted.ok && refsUsable(verdict) && !verdict.conflicted;
}

/** Unresolved references that leave a usable listener: unsupported kinds beside supported ones, bad CAs beside good. */
function refsUsable(verdict: ListenerVerdict): boolean {
  if (!verdict.certificatesResolved) return false;
  if (verdict.resolvedRefs.ok) return true;
  switch (verdict.resolvedRefs.reason) {
    case 'InvalidRouteKinds':
      return verdict.supportedKinds.length > 0;
    case 'InvalidCACertificateRef':
    case 'InvalidCACertificateKind':
    case 'RefNotPermitted':
      return verdict.clientValidation !== undefined;
    default:
      return false;
  }
}
