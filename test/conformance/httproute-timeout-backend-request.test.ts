// Conformance HTTPRouteTimeoutBackendRequest (upstream httproute-timeout-backend-request.go): a 500ms
// backendRequest timeout answers a backend that takes 1s with 504 (408 also passes), and a 0s timeout
// disables it.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 75, manifests: ['httproute-timeout-backend-request.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteTimeoutBackendRequest', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'backend-request-timeout' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await suite.expectResponses(t, gwAddr, [
    { request: { path: '/backend-timeout' }, response: { statusCode: 200 }, namespace: ns },
    { request: { path: '/backend-timeout?delay=1s' }, response: { statusCode: 504 }, namespace: ns },
    { request: { path: '/disable-backend-timeout?delay=1s' }, response: { statusCode: 200 }, namespace: ns },
  ]);
});
