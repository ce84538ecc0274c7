// Conformance HTTPRoute303Redirect (upstream httproute-303-redirect.go, provisional): a RequestRedirect
// with status 303 answers a POST with 303, Location on the request's own path.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 58, manifests: ['httproute-303-redirect.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRoute303Redirect', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: '303-redirect' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await suite.expectResponses(t, gwAddr, [
    {
      request: { path: '/see-other', method: 'POST' },
      response: { statusCode: 303 },
      redirectRequest: { path: '/see-other' },
      namespace: ns,
    },
  ]);
});
