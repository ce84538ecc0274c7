// Conformance GatewayStaticAddresses (upstream gateway-static-addresses.go): a Gateway asking for an
// address type the implementation does not support is not Accepted (UnsupportedAddress); with only
// an unusable and a usable address left it is Accepted but not Programmed (AddressNotUsable); with
// only the usable one it is Programmed and shows exactly that address. The usable address is one of
// the file's Gateway range, the unusable one an address no interface has (harness/static-addresses.ts).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { addressesOf } from './harness/admin.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import type { Manifest } from './harness/manifest-store.ts';
import {
  gatewayMustHaveCondition,
  gatewayMustHaveLatestConditions,
  gatewayStatusMustHaveListeners,
  poll,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 165, manifests: ['gateway-static-addresses.yaml'] });
before(() => suite.start());
after(() => suite.stop());

interface SpecAddress {
  type?: string;
  value?: string;
}

function specAddresses(object: { spec: Record<string, unknown> }): SpecAddress[] {
  return Array.isArray(object.spec.addresses) ? (object.spec.addresses as SpecAddress[]) : [];
}

/** Upstream `filterAddr`: drops the entries with that value. */
function withoutAddress(value: string | undefined) {
  return (object: Manifest) => {
    const spec = object.spec as Record<string, unknown>;
    spec.addresses = specAddresses({ spec }).filter((address) => address.value !== value);
  };
}

test('GatewayStaticAddresses', async () => {
  const gateway = { namespace: ns, name: 'gateway-static-addresses' };
  await gatewayMustHaveLatestConditions(suite, gateway);

  const current = await suite.admin.get('Gateway', gateway);
  assert.ok(current, 'the Gateway must exist');
  const addresses = specAddresses(current);
  assert.equal(
    addresses.length,
    3,
    `expected 3 addresses on the Gateway, one invalid, one usable and one unusable. somehow got ${addresses.length}`,
  );
  const [invalidAddress, unusableAddress, usableAddress] = addresses;

  // Not accepted: an address type the implementation does not support.
  await gatewayMustHaveCondition(suite, gateway, {
    type: 'Accepted',
    status: 'False',
    reason: 'UnsupportedAddress',
  });

  await suite.patch('Gateway', gateway, withoutAddress(invalidAddress.value));
  await gatewayMustHaveLatestConditions(suite, gateway);
  // Accepted, but not programmed: an address that cannot be used.
  await gatewayMustHaveCondition(suite, gateway, { type: 'Accepted', status: 'True', reason: 'Accepted' });
  await gatewayMustHaveCondition(suite, gateway, {
    type: 'Programmed',
    status: 'False',
    reason: 'AddressNotUsable',
  });

  await suite.patch('Gateway', gateway, withoutAddress(unusableAddress.value));
  await gatewayMustHaveLatestConditions(suite, gateway);
  // Accepted and programmed with the usable static address.
  await gatewayMustHaveCondition(suite, gateway, { type: 'Accepted', status: 'True', reason: 'Accepted' });
  await gatewayMustHaveCondition(suite, gateway, {
    type: 'Programmed',
    status: 'True',
    reason: 'Programmed',
  });
  await gatewayStatusMustHaveListeners(suite, gateway, [
    {
      name: 'http',
      supportedKinds: [{ kind: 'HTTPRoute' }],
      conditions: [
        { type: 'Accepted', status: 'True' },
        { type: 'ResolvedRefs', status: 'True' },
      ],
      attachedRoutes: 0,
    },
  ]);
  let statusAddresses: { type: string | undefined; value: string }[] = [];
  await poll(suite, 'exactly 1 status address on the Gateway', async () => {
    const object = await suite.admin.get('Gateway', gateway);
    statusAddresses = object ? addressesOf(object) : [];
    return statusAddresses.length === 1 || `status.addresses: ${JSON.stringify(statusAddresses)}`;
  });
  const values = statusAddresses.map((address) => address.value);
  assert.ok(!values.includes(unusableAddress.value ?? ''), 'should not contain the unusable address');
  assert.ok(!values.includes(invalidAddress.value ?? ''), 'should not contain the invalid address');
  assert.ok(values.includes(usableAddress.value ?? ''), 'should contain the usable address');
  for (const address of statusAddresses.filter((entry) => entry.value === usableAddress.value)) {
    assert.equal(address.type, usableAddress.type, 'expected address type to match the usable address');
  }
});
