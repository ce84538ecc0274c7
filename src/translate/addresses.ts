// Gateway addresses: the ones a Gateway asks for, or the next free ones of the address pool.

import { isIP } from 'node:net';
import type { Gateway } from '../resources/gateway-api.ts';

export type AddressAssignment =
  | { ok: true; addresses: string[] }
  | { ok: false; reason: string; message: string };

/** Assigns addresses to Gateways in their given (age) order. Pure: depends only on the inputs. */
export function assignAddresses(
  gateways: Gateway[],
  pool: string | undefined,
  defaultAddress: string,
): Map<Gateway, AddressAssignment> {
  const result = new Map<Gateway, AddressAssignment>();
  const requested = new Set<string>();
  for (const gateway of gateways) {
    for (const address of gateway.spec.addresses ?? []) if (address.value) requested.add(address.value);
  }
  const free = pool ? poolAddresses(pool).filter((address) => !requested.has(address)) : [];
  let next = 0;
  const byName = [...gateways].sort((a, b) =>
    `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
  );
  for (const gateway of byName) {
    const specAddresses = gateway.spec.addresses ?? [];
    const unsupported = specAddresses.find((address) => (address.type ?? 'IPAddress') !== 'IPAddress');
    if (unsupported) {
      result.set(gateway, {
        ok: false,
        reason: 'UnsupportedAddress',
        message: `address type ${unsupported.type} is not supported; use IPAddress`,
      });
      continue;
    }
    const invalid = specAddresses.find((address) => address.value && isIP(address.value) === 0);
    if (invalid) {
      result.set(gateway, {
        ok: false,
        reason: 'UnsupportedAddress',
        message: `${invalid.value} is not an IP address`,
      });
      continue;
    }
    const addresses: string[] = [];
    const wanted = specAddresses.length === 0 ? [{ value: undefined }] : specAddresses;
    for (const address of wanted) {
      if (address.value) addresses.push(address.value);
      else if (pool) {
        if (next >= free.length) break;
        addresses.push(free[next++]);
      } else addresses.push(defaultAddress);
    }
    result.set(
      gateway,
      addresses.length === wanted.length
        ? { ok: true, addresses }
        : {
            ok: false,
            reason: 'AddressNotAssigned',
            message: `address pool ${pool} has no free address left`,
          },
    );
  }
  return result;
}

/** Usable host addresses of an IPv4 CIDR (network and broadcast excluded for prefixes shorter than /31). */
export function poolAddresses(cidr: string): string[] {
  const [base, prefixText] = cidr.split('/');
  const prefix = Number(prefixText ?? '32');
  if (isIP(base) !== 4 || !Number.isInteger(prefix) || prefix < 16 || prefix > 32) return [];
  const start = base.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
  const size = 2 ** (32 - prefix);
  const network = start - (start % size);
  const first = prefix >= 31 ? network : network + 1;
  const last = prefix >= 31 ? network + size - 1 : network + size - 2;
  const addresses: string[] = [];
  for (let value = first; value <= last; value++) {
    addresses.push([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.'));
  }
  return addresses;
}
