// Conformance HTTPRouteMatching (upstream httproute-matching.go): path prefixes match whole segments,
// the longer prefix wins, and a header match beats the bare "/" prefix.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 25, manifests: ['httproute-matching.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteMatching', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'matching' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  const v1 = { backend: 'infra-backend-v1', namespace: ns };
  const v2 = { backend: 'infra-backend-v2', namespace: ns };
  await suite.expectResponses(t, gwAddr, [
    { request: { path: '/' }, ...v1 },
    { request: { path: '/example' }, ...v1 },
    { request: { path: '/', headers: { Version: 'one' } }, ...v1 },
    { request: { path: '/v2' }, ...v2 },
    { request: { path: '/v2/example' }, ...v2 },
    { request: { path: '/', headers: { Version: 'two' } }, ...v2 },
    { request: { path: '/v2/' }, ...v2 },
    // Not a whole-segment prefix of /v2.
    { request: { path: '/v2example' }, ...v1 },
    { request: { path: '/foo/v2/example' }, ...v1 },
  ]);
});
