// Conformance HTTPRouteTimeoutRequest (upstream httproute-timeout-request.go): a 500ms request timeout
// answers a backend that takes 1s with 504 (408 also passes), and a 0s timeout disables it.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 74, manifests: ['httproute-timeout-request.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteTimeoutRequest', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'request-timeout' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await suite.expectResponses(t, gwAddr, [
    { request: { path: '/request-timeout' }, response: { statusCode: 200 }, namespace: ns },
    { request: { path: '/request-timeout?delay=1s' }, response: { statusCode: 504 }, namespace: ns },
    { request: { path: '/disable-request-timeout?delay=1s' }, response: { statusCode: 200 }, namespace: ns },
  ]);
});
