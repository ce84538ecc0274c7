// Tests for the Gateway address placeholders, rewritten as upstream's applier rewrites them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Manifest } from './manifest-store.ts';
import { fillAddressPlaceholders, usableAddressOf } from './static-addresses.ts';

function gateway(addresses?: unknown[]): Manifest {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw', namespace: 'infra' },
    spec: { gatewayClassName: 'c', ...(addresses ? { addresses } : {}), listeners: [] },
  };
}

test('placeholders become the suite addresses; the fake invalid type stays first', () => {
  const object = gateway([
    { type: 'test/fake-invalid-type', value: 'fake' },
    { value: 'PLACEHOLDER_UNUSABLE_ADDRS' },
    { value: 'PLACEHOLDER_USABLE_ADDRS' },
  ]);
  fillAddressPlaceholders(object, '127.40.9.250', '192.0.2.1');
  assert.deepEqual((object.spec as { addresses: unknown }).addresses, [
    { type: 'test/fake-invalid-type', value: 'fake' },
    { type: 'IPAddress', value: '192.0.2.1' },
    { type: 'IPAddress', value: '127.40.9.250' },
  ]);
});

test('any other address is dropped, as upstream does, and no list is left when nothing remains', () => {
  const object = gateway([{ type: 'IPAddress' }]);
  fillAddressPlaceholders(object, '127.40.9.250', '192.0.2.1');
  assert.equal('addresses' in (object.spec as object), false);
});

test('Gateways without addresses and other kinds are left alone', () => {
  const object = gateway();
  fillAddressPlaceholders(object, '127.40.9.250', '192.0.2.1');
  assert.deepEqual(object, gateway());
});

test('the usable address is near the end of the file range', () => {
  assert.equal(usableAddressOf('127.42.17.0/24'), '127.42.17.250');
});
