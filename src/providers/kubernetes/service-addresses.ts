// Gateway `status.addresses` in a cluster: clients reach Sluice through the Service in front of its
// replicas (`--gateway-service`), so a Gateway that asks for no address of its own shows that Service's
// addresses (its load balancer's ingress and external IPs, else its cluster IPs) rather than the Pod
// address each replica binds. The translator stays as it is; its status is rewritten here, purely.

import { isPlainObject } from '../../resources/check.ts';
import type { Gateway } from '../../resources/gateway-api.ts';
import type { ObjectStatus } from '../../translate/types.ts';
import type { ReflectorScope, ReflectorSink } from './reflector.ts';

export interface GatewayStatusAddress {
  type: 'IPAddress' | 'Hostname';
  value: string;
}

export interface ServiceName {
  namespace: string;
  name: string;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Where a Service can be reached, best first; empty while it has no address at all (headless, pending). */
export function serviceAddresses(service: Record<string, unknown>): GatewayStatusAddress[] {
  const spec = isPlainObject(service.spec) ? service.spec : {};
  const status = isPlainObject(service.status) ? service.status : {};
  const loadBalancer = isPlainObject(status.loadBalancer) ? status.loadBalancer : {};
  const published: GatewayStatusAddress[] = [];
  for (const ingress of Array.isArray(loadBalancer.ingress) ? loadBalancer.ingress : []) {
    if (!isPlainObject(ingress)) continue;
    if (typeof ingress.ip === 'string') published.push({ type: 'IPAddress', value: ingress.ip });
    else if (typeof ingress.hostname === 'string')
      published.push({ type: 'Hostname', value: ingress.hostname });
  }
  for (const ip of strings(spec.externalIPs)) published.push({ type: 'IPAddress', value: ip });
  if (published.length > 0) return published;
  const clusterIPs = strings(spec.clusterIPs);
  const cluster = clusterIPs.length > 0 ? clusterIPs : strings([spec.clusterIP]);
  return cluster.filter((ip) => ip !== 'None' && ip !== '').map((ip) => ({ type: 'IPAddress', value: ip }));
}

/** `statuses` with `addresses` replaced for every Gateway that names no `spec.addresses` of its own. */
export function withPublishedAddresses(
  statuses: ReadonlyMap<string, ObjectStatus>,
  addresses: readonly GatewayStatusAddress[],
): Map<string, ObjectStatus> {
  const published = new Map(statuses);
  for (const [key, entry] of statuses) {
    if (entry.object.kind !== 'Gateway' || !('addresses' in entry.status)) continue;
    if (((entry.object as Gateway).spec.addresses ?? []).length > 0) continue;
    published.set(key, {
      ...entry,
      status: { ...entry.status, addresses: addresses.map((a) => ({ ...a })) },
    });
  }
  return published;
}

/**
 * Follows the one Service (its reflector delivers here) and reports its addresses whenever they change:
 * undefined while it does not exist or has no address, so Gateways show what the replica bound.
 */
export class ServiceAddressFollower implements ReflectorSink {
  readonly #onChange: (addresses: GatewayStatusAddress[] | undefined) => void;
  #current: string | undefined;

  constructor(onChange: (addresses: GatewayStatusAddress[] | undefined) => void) {
    this.#onChange = onChange;
  }

  replace(_scope: ReflectorScope, objects: Record<string, unknown>[]): void {
    this.#set(objects[0]);
  }

  upsert(_scope: ReflectorScope, object: Record<string, unknown>): void {
    this.#set(object);
  }

  remove(): void {
    this.#set(undefined);
  }

  #set(service: Record<string, unknown> | undefined): void {
    const addresses = service ? serviceAddresses(service) : [];
    const next = addresses.length > 0 ? addresses : undefined;
    const key = JSON.stringify(next);
    if (key === this.#current) return;
    this.#current = key;
    this.#onChange(next);
  }
}
