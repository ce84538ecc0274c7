// Upstream's applier rewrites `spec.addresses` of every Gateway that has some (`prepareGateway` in
// `conformance/utils/kubernetes/apply.go`): addresses of type `test/fake-invalid-type` stay, the
// values PLACEHOLDER_UNUSABLE_ADDRS and PLACEHOLDER_USABLE_ADDRS become the suite's unusable and
// usable addresses (flags --unusable-address, --usable-address), and every other entry is dropped.

import type { Manifest } from './manifest-store.ts';

const fakeInvalidType = 'test/fake-invalid-type';

/**
 * An IPv4 address no interface of this machine has (TEST-NET-1, RFC 5737): a gateway can parse it,
 * but binding it fails. Nothing is ever sent to it.
 */
export const unusableAddress = '192.0.2.1';

/** An address of the file's Gateway range (`127.G.B.0/24`) that the address pool hands out last. */
export function usableAddressOf(gatewayPool: string): string {
  return gatewayPool.replace(/\.0\/24$/, '.250');
}

/** Rewrites the Gateway's addresses in place, as upstream's applier does; other kinds are left alone. */
export function fillAddressPlaceholders(object: Manifest, usable: string, unusable: string): void {
  const spec = object.spec;
  if (object.kind !== 'Gateway' || typeof spec !== 'object' || spec === null) return;
  const fields = spec as Record<string, unknown>;
  const addresses: unknown[] = Array.isArray(fields.addresses) ? fields.addresses : [];
  if (addresses.length === 0) return;
  const entries = addresses.map((address) =>
    typeof address === 'object' && address !== null ? (address as Record<string, unknown>) : {},
  );
  const values = entries.map((address) => address.value);
  const rewritten = [
    ...entries.filter((address) => address.type === fakeInvalidType),
    ...(values.includes('PLACEHOLDER_UNUSABLE_ADDRS') ? [{ type: 'IPAddress', value: unusable }] : []),
    ...(values.includes('PLACEHOLDER_USABLE_ADDRS') ? [{ type: 'IPAddress', value: usable }] : []),
  ];
  // Upstream writes a nil list, which the API server stores as no addresses at all.
  if (rewritten.length === 0) delete fields.addresses;
  else fields.addresses = rewritten;
}
