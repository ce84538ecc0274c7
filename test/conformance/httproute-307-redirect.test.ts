// Conformance HTTPRoute307Redirect (upstream httproute-307-redirect.go, provisional): a RequestRedirect
// with status 307 answers 307, Location on the request's own path.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 59, manifests: ['httproute-307-redirect.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRoute307Redirect', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: '307-redirect' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await suite.expectResponses(t, gwAddr, [
    {
      request: { path: '/temporary' },
      response: { statusCode: 307 },
      redirectRequest: { path: '/temporary' },
      namespace: ns,
    },
  ]);
});
