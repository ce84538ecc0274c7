// Gateway phase: which Gateways are Sluice's, their addresses, listeners and socket conflicts; their status.

import type { Gateway } from '../resources/gateway-api.ts';
import { assignAddresses } from './addresses.ts';
import { type BackendClientCertificate, resolveBackendClientCertificate } from './backendclientcert.ts';
import { condition } from './conditions.ts';
import type { TranslateContext } from './context.ts';
import type { ClassVerdict } from './gatewayclass.ts';
import { type ListenerVerdict, listenerServes, processListeners, type Verdict } from './listener.ts';
import { attachListenerSets, type ListenerSetVerdict } from './listenerset.ts';
import { listenerStatus } from './listenerstatus.ts';
import type { ObjectStatus, StatusCondition } from './types.ts';

export interface GatewayVerdict {
  gateway: Gateway;
  /** False when the Gateway itself is rejected; its listeners then serve nothing. */
  accepted: Verdict;
  addresses: string[];
  /** `spec.tls.backend.clientCertificateRef`, when set. */
  backendClientCertificate?: BackendClientCertificate;
  /** Why the Gateway has no address yet (it stays accepted, but is not programmed). */
  addressProblem?: string;
  /** Addresses the data plane could not bind at all: left out of the IR and status, reported `AddressNotUsable`. */
  unusableAddresses: string[];
  listeners: ListenerVerdict[];
  listenerSets: ListenerSetVerdict[];
}

/** The Gateway's own listeners, then those of its admitted ListenerSets, in precedence order. */
export function allListeners(verdict: GatewayVerdict): ListenerVerdict[] {
  return [...verdict.listeners, ...verdict.listenerSets.flatMap((set) => set.listeners)];
}

export function processGateways(
  context: TranslateContext,
  classes: Map<string, ClassVerdict>,
): GatewayVerdict[] {
  const verdicts = context.gateways
    .filter((gateway) => classes.has(gateway.spec.gatewayClassName))
    .map(
      (gateway): GatewayVerdict => ({
        gateway,
        accepted: gatewayAcceptance(gateway, classes.get(gateway.spec.gatewayClassName)!),
        addresses: [],
        listeners: processListeners(context, gateway),
        listenerSets: [],
        unusableAddresses: [],
      }),
    );
  for (const verdict of verdicts) {
    const clientCertificate = resolveBackendClientCertificate(context, verdict.gateway);
    if (clientCertificate) verdict.backendClientCertificate = clientCertificate;
    verdict.listenerSets = attachListenerSets(
      context,
      verdict.gateway,
      verdict.accepted.ok,
      verdict.listeners,
    );
  }
  // Only accepted Gateways draw addresses, so a rejected one never holds an address of the pool.
  const accepted = verdicts.filter((verdict) => verdict.accepted.ok);
  const assignments = assignAddresses(
    accepted.map((verdict) => verdict.gateway),
    context.options.addressPool,
    context.options.defaultAddress,
  );
  for (const verdict of accepted) {
    const assignment = assignments.get(verdict.gateway)!;
    if (assignment.ok) verdict.addresses = assignment.addresses;
    else if (assignment.reason === 'UnsupportedAddress') {
      verdict.accepted = { ok: false, reason: assignment.reason, message: assignment.message };
    } else verdict.addressProblem = assignment.message;
  }
  markSocketConflicts(context, verdicts);
  return verdicts;
}

function gatewayAcceptance(gateway: Gateway, gatewayClass: ClassVerdict): Verdict {
  const parametersRef = gateway.spec.infrastructure?.parametersRef;
  if (!gatewayClass.accepted)
    return { ok: false, reason: 'Invalid', message: 'the GatewayClass is not accepted' };
  if (parametersRef) {
    return {
      ok: false,
      reason: 'InvalidParameters',
      message: `infrastructure.parametersRef ${parametersRef.group}/${parametersRef.kind} ${parametersRef.name} is not a kind Sluice supports`,
    };
  }
  return { ok: true, reason: 'Accepted', message: 'Gateway is accepted' };
}

/**
 * Two Gateways cannot bind the same address and port: the older one keeps it. Sockets the data plane
 * failed to bind last time are reported the same way.
 */
function markSocketConflicts(context: TranslateContext, verdicts: GatewayVerdict[]): void {
  const owners = new Map<string, string>();
  const unavailable = new Map(
    (context.options.unavailable ?? [])
      .filter((socket) => !socket.addressUnusable)
      .map((socket) => [`${socket.address}:${socket.port}`, socket.message]),
  );
  const unusable = new Set(
    (context.options.unavailable ?? [])
      .filter((socket) => socket.addressUnusable)
      .map((socket) => socket.address),
  );
  for (const verdict of verdicts) {
    verdict.unusableAddresses = verdict.addresses.filter((address) => unusable.has(address));
    verdict.addresses = verdict.addresses.filter((address) => !unusable.has(address));
  }
  for (const verdict of verdicts) {
    if (!verdict.accepted.ok) continue;
    const name = `${verdict.gateway.metadata.namespace}/${verdict.gateway.metadata.name}`;
    for (const listener of allListeners(verdict)) {
      for (const address of verdict.addresses) {
        const socket = `${address}:${listener.listener.port}`;
        const owner = owners.get(socket);
        const bindError = unavailable.get(socket);
        if (owner !== undefined && owner !== name) {
          listener.accepted = {
            ok: false,
            reason: 'PortUnavailable',
            message: `${socket} is already used by Gateway ${owner}`,
          };
        } else if (bindError !== undefined) {
          listener.accepted = {
            ok: false,
            reason: 'PortUnavailable',
            message: `cannot listen on ${socket}: ${bindError}`,
          };
        } else owners.set(socket, name);
      }
    }
  }
}

export function gatewayStatus(verdict: GatewayVerdict): ObjectStatus {
  const { gateway } = verdict;
  const listeners = verdict.listeners.map((listener) =>
    listenerStatus(gateway, listener, verdict.accepted.ok),
  );
  const valid = verdict.listeners.filter((listener) => listener.accepted.ok && !listener.conflicted).length;
  const serving = verdict.accepted.ok && allListeners(verdict).some(listenerServes);
  let accepted: StatusCondition;
  if (!verdict.accepted.ok)
    accepted = condition(gateway, 'Accepted', false, verdict.accepted.reason, verdict.accepted.message);
  else if (valid === verdict.listeners.length)
    accepted = condition(gateway, 'Accepted', true, 'Accepted', verdict.accepted.message);
  else {
    accepted = condition(
      gateway,
      'Accepted',
      valid > 0,
      'ListenersNotValid',
      `${verdict.listeners.length - valid} of ${verdict.listeners.length} listeners are not valid`,
    );
  }
  let programmed: StatusCondition;
  if (verdict.unusableAddresses.length > 0) {
    programmed = condition(
      gateway,
      'Programmed',
      false,
      'AddressNotUsable',
      `address ${verdict.unusableAddresses.join(', ')} cannot be bound on this machine`,
    );
  } else if (verdict.addressProblem !== undefined) {
    programmed = condition(gateway, 'Programmed', false, 'AddressNotAssigned', verdict.addressProblem);
  } else if (!serving) {
    programmed = condition(
      gateway,
      'Programmed',
      false,
      'Invalid',
      'no listener of this Gateway can serve traffic',
    );
  } else {
    programmed = condition(
      gateway,
      'Programmed',
      true,
      'Programmed',
      `serving on ${verdict.addresses.join(', ')}`,
    );
  }
  const conditions = [accepted, programmed];
  const backendCertificate = verdict.backendClientCertificate?.verdict;
  if (backendCertificate) {
    conditions.push(
      condition(
        gateway,
        'ResolvedRefs',
        backendCertificate.ok,
        backendCertificate.reason,
        backendCertificate.message,
      ),
    );
  }
  if (verdict.listeners.some((listener) => listener.clientValidation?.mode === 'AllowInsecureFallback')) {
    conditions.push(
      condition(
        gateway,
        'InsecureFrontendValidationMode',
        true,
        'ConfigurationChanged',
        'client certificate validation accepts connections without a valid certificate',
      ),
    );
  }
  return {
    object: gateway,
    status: {
      addresses: verdict.addresses.map((value) => ({ type: 'IPAddress', value })),
      ...(verdict.listenerSets.length > 0
        ? { attachedListenerSets: verdict.listenerSets.filter((set) => set.accepted.ok).length }
        : {}),
      conditions,
      listeners,
    },
  };
}
