// Conformance HTTPRouteNoBackendRefs (upstream httproute-omitted-backendrefs.go): a rule with omitted
// or empty backendRefs answers 500 itself.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 28, manifests: ['httproute-omitted-backendrefs.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteNoBackendRefs', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'omitted-backendrefs' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await suite.expectResponses(t, gwAddr, [
    { request: { path: '/forward' }, backend: 'infra-backend-v1', namespace: ns },
    { request: { path: '/omitted-no-forward' }, response: { statusCode: 500 } },
    { request: { path: '/empty-no-forward' }, response: { statusCode: 500 } },
  ]);
});
