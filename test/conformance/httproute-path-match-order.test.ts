// Conformance HTTPRoutePathMatchOrder (upstream httproute-path-match-order.go): Exact beats any prefix
// and a longer prefix beats a shorter one, whatever the rule order.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 31, manifests: ['httproute-path-match-order.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRoutePathMatchOrder', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'path-matching-order' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await suite.expectResponses(t, gwAddr, [
    { request: { path: '/match/exact/one' }, backend: 'infra-backend-v3', namespace: ns },
    { request: { path: '/match/exact' }, backend: 'infra-backend-v2', namespace: ns },
    { request: { path: '/match' }, backend: 'infra-backend-v1', namespace: ns },
    { request: { path: '/match/prefix/one/any' }, backend: 'infra-backend-v2', namespace: ns },
    { request: { path: '/match/prefix/any' }, backend: 'infra-backend-v1', namespace: ns },
    { request: { path: '/match/any' }, backend: 'infra-backend-v3', namespace: ns },
  ]);
});
