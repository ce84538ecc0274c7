// Conformance GatewayWithAttachedRoutesWithPort8080 (upstream gateway-with-attached-routes.go): of a
// Gateway's listeners on 8080 and 80, only the one a route names by sectionName counts it.

import { after, before, test } from 'node:test';
import { infraNamespace } from './harness/fixtures.ts';
import { type ExpectedListener, gatewayStatusMustHaveListeners } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 80,
  manifests: ['gateway-with-attached-routes-with-port-8080.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

function acceptedHttpListener(name: string, attachedRoutes: number): ExpectedListener {
  return {
    name,
    supportedKinds: [{ kind: 'HTTPRoute' }],
    conditions: [
      { type: 'Accepted', status: 'True' },
      { type: 'ResolvedRefs', status: 'True' },
    ],
    attachedRoutes,
  };
}

test('GatewayWithAttachedRoutesWithPort8080', async (t) => {
  await t.test('Gateway listener should have attached route by specifying the sectionName', async () => {
    const gateway = { namespace: infraNamespace, name: 'gateway-with-two-listeners-and-one-attached-route' };
    await gatewayStatusMustHaveListeners(suite, gateway, [
      acceptedHttpListener('http-unattached', 0),
      acceptedHttpListener('http', 1),
    ]);
  });
});
