import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Gateway } from '../resources/gateway-api.ts';
import { assignAddresses, poolAddresses } from './addresses.ts';

function gateway(name: string, addresses?: Gateway['spec']['addresses']): Gateway {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: 'default' },
    spec: { gatewayClassName: 'sluice', listeners: [], ...(addresses ? { addresses } : {}) },
  };
}

test('a pool yields its host addresses in order', () => {
  assert.deepEqual(poolAddresses('127.0.21.0/30'), ['127.0.21.1', '127.0.21.2']);
  assert.equal(poolAddresses('127.0.21.0/24').length, 254);
  assert.deepEqual(poolAddresses('10.0.0.7/32'), ['10.0.0.7']);
  assert.deepEqual(poolAddresses('not-a-cidr'), []);
});

test('Gateways draw pool addresses by namespace/name, skipping addresses others ask for', () => {
  const b = gateway('b');
  const a = gateway('a');
  const fixed = gateway('fixed', [{ type: 'IPAddress', value: '127.0.21.1' }]);
  const result = assignAddresses([b, a, fixed], '127.0.21.0/24', '127.0.0.1');
  assert.deepEqual(result.get(a), { ok: true, addresses: ['127.0.21.2'] });
  assert.deepEqual(result.get(b), { ok: true, addresses: ['127.0.21.3'] });
  assert.deepEqual(result.get(fixed), { ok: true, addresses: ['127.0.21.1'] });
});

test('without a pool Gateways share the default address; an exhausted pool is reported', () => {
  const [only] = [gateway('only')];
  assert.deepEqual(assignAddresses([only], undefined, '127.0.0.1').get(only), {
    ok: true,
    addresses: ['127.0.0.1'],
  });
  const [x, y] = [gateway('x'), gateway('y')];
  const result = assignAddresses([x, y], '127.0.21.7/32', '127.0.0.1');
  assert.deepEqual(result.get(x), { ok: true, addresses: ['127.0.21.7'] });
  assert.equal(result.get(y)?.ok, false);
});

test('non-IP address types and values are unsupported', () => {
  const named = gateway('named', [{ type: 'Hostname', value: 'gw.example.com' }]);
  const bad = gateway('bad', [{ type: 'IPAddress', value: 'not-an-ip' }]);
  const result = assignAddresses([named, bad], undefined, '127.0.0.1');
  assert.equal(result.get(named)?.ok, false);
  assert.equal(result.get(bad)?.ok, false);
});
