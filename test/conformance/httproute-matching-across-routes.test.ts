// Conformance HTTPRouteMatchingAcrossRoutes (upstream httproute-matching-across-routes.go): rules of
// two routes sharing a hostname compete as one set; the /v2 route serves example.com only.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 26, manifests: ['httproute-matching-across-routes.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteMatchingAcrossRoutes', { concurrency: true }, async (t) => {
  const route1 = { namespace: ns, name: 'matching-part1' };
  const route2 = { namespace: ns, name: 'matching-part2' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route1, route2]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route1, gateway);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route2, gateway);

  const v1 = { backend: 'infra-backend-v1', namespace: ns };
  const v2 = { backend: 'infra-backend-v2', namespace: ns };
  await suite.expectResponses(t, gwAddr, [
    { request: { host: 'example.com', path: '/' }, ...v1 },
    { request: { host: 'example.com', path: '/example' }, ...v1 },
    { request: { host: 'example.net', path: '/example' }, ...v1 },
    { request: { host: 'example.com', path: '/example', headers: { Version: 'one' } }, ...v1 },
    { request: { host: 'example.com', path: '/v2' }, ...v2 },
    { request: { host: 'example.net', path: '/v2' }, ...v1 },
    { request: { host: 'example.com', path: '/v2/example' }, ...v2 },
    { request: { host: 'example.com', path: '/', headers: { Version: 'two' } }, ...v2 },
  ]);
});
