// Conformance HTTPRoute308Redirect (upstream httproute-308-redirect.go, provisional): a RequestRedirect
// with status 308 answers 308, Location on the request's own path.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 60, manifests: ['httproute-308-redirect.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRoute308Redirect', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: '308-redirect' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await suite.expectResponses(t, gwAddr, [
    {
      request: { path: '/permanent' },
      response: { statusCode: 308 },
      redirectRequest: { path: '/permanent' },
      namespace: ns,
    },
  ]);
});
