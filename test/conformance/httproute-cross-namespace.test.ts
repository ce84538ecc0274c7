// Conformance HTTPRouteCrossNamespace (upstream httproute-cross-namespace.go): a route in a namespace
// selected by the listener's allowedRoutes attaches to a Gateway in another namespace and serves.

import { after, before, test } from 'node:test';
import { infraNamespace, webBackendNamespace } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 13, manifests: ['httproute-cross-namespace.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteCrossNamespace', async (t) => {
  const route = { namespace: webBackendNamespace, name: 'cross-namespace' };
  const gateway = { namespace: infraNamespace, name: 'backend-namespaces' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await t.test('Simple HTTP request should reach web-backend', async () => {
    await suite.expectEventuallyConsistentResponse(gwAddr, {
      request: { path: '/' },
      response: { statusCode: 200 },
      backend: 'web-backend',
      namespace: webBackendNamespace,
    });
  });
});
