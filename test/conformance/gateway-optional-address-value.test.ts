// Conformance GatewayOptionalAddressValue (upstream gateway-optional-address-value.go, provisional): a
// Gateway whose address has a type but no value gets an address assigned. Upstream's applier drops
// that address entry before the Gateway is created (see harness/static-addresses.ts), and so does
// this harness: the Gateway reaches Sluice without addresses.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayMustHaveLatestConditions,
  namespacesMustBeReady,
  waitForGatewayAddress,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 164, manifests: ['gateway-optional-address-value.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('GatewayOptionalAddressValue', async () => {
  await namespacesMustBeReady(suite, [ns]);
  const gateway = { namespace: ns, name: 'gateway-without-address-value' };
  await gatewayMustHaveLatestConditions(suite, gateway);
  await waitForGatewayAddress(suite, { ...gateway, listenerNames: ['http'] });
});
