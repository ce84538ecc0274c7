// Conformance HTTPRouteSimpleSameNamespace (upstream httproute-simple-same-namespace.go): a route in
// the Gateway's namespace attaches and forwards to infra-backend-v1.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 36, manifests: ['httproute-simple-same-namespace.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteSimpleSameNamespace', async (t) => {
  const route = { namespace: ns, name: 'gateway-conformance-infra-test' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await t.test('Simple HTTP request should reach infra-backend', async () => {
    await suite.expectEventuallyConsistentResponse(gwAddr, {
      request: { path: '/' },
      response: { statusCode: 200 },
      backend: 'infra-backend-v1',
      namespace: ns,
    });
  });
});
