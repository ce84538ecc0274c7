// Conformance HTTPRouteExactPathMatching (upstream httproute-exact-path-matching.go): Exact paths are
// case-sensitive and match neither sub-paths nor a trailing slash.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 14, manifests: ['httproute-exact-path-matching.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteExactPathMatching', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'exact-matching' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await suite.expectResponses(t, gwAddr, [
    { request: { path: '/one' }, backend: 'infra-backend-v1', namespace: ns },
    { request: { path: '/two' }, backend: 'infra-backend-v2', namespace: ns },
    { request: { path: '/' }, response: { statusCode: 404 } },
    { request: { path: '/one/example' }, response: { statusCode: 404 } },
    { request: { path: '/two/' }, response: { statusCode: 404 } },
    { request: { path: '/Two' }, response: { statusCode: 404 } },
  ]);
});
