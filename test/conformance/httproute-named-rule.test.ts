// Conformance HTTPRouteNamedRule (upstream httproute-named-rule.go, provisional): a route with a named
// rule beside an unnamed one is accepted and serves both.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 65, manifests: ['httproute-named-rule.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteNamedRule', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'http-named-rules' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await suite.expectResponses(t, gwAddr, [
    { request: { path: '/named' }, response: { statusCode: 200 }, namespace: ns },
    { request: { path: '/unnamed' }, response: { statusCode: 200 }, namespace: ns },
  ]);
});
