// Conformance HTTPRouteHeaderMatching (upstream httproute-header-matching.go): header matches are ANDed
// within a match and ORed across matches, names are case-insensitive, more matched headers win, and a
// request no rule matches gets 404.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 16, manifests: ['httproute-header-matching.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteHeaderMatching', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'header-matching' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  const v1 = { backend: 'infra-backend-v1', namespace: ns };
  const v2 = { backend: 'infra-backend-v2', namespace: ns };
  const notFound = { response: { statusCode: 404 } };
  await suite.expectResponses(t, gwAddr, [
    { request: { path: '/', headers: { Version: 'one' } }, ...v1 },
    { request: { path: '/', headers: { Version: 'two' } }, ...v2 },
    { request: { path: '/', headers: { Version: 'two', Color: 'orange' } }, ...v1 },
    { request: { path: '/', headers: { Version: 'two', Color: 'blue' } }, ...v2 },
    { request: { path: '/', headers: { Color: 'orange' } }, ...notFound },
    { request: { path: '/', headers: { 'Some-Other-Header': 'one' } }, ...notFound },
    { request: { path: '/', headers: { Color: 'blue' } }, ...v1 },
    { request: { path: '/', headers: { Color: 'green' } }, ...v1 },
    { request: { path: '/', headers: { Color: 'red' } }, ...v2 },
    { request: { path: '/', headers: { Color: 'yellow' } }, ...v2 },
    { request: { path: '/', headers: { Color: 'purple' } }, ...notFound },
  ]);
});
