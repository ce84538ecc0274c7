// Conformance HTTPRouteRedirectHostAndStatus (upstream httproute-redirect-host-and-status.go): a
// RequestRedirect with a hostname answers 302 by default, or the configured 301, with Location on
// that host and the request's scheme, default port and path.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 32, manifests: ['httproute-redirect-host-and-status.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteRedirectHostAndStatus', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'redirect-host-and-status' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await suite.expectResponses(t, gwAddr, [
    {
      request: { path: '/hostname-redirect' },
      response: { statusCode: 302 },
      redirectRequest: { host: 'example.org' },
      namespace: ns,
    },
    {
      request: { path: '/host-and-status' },
      response: { statusCode: 301 },
      redirectRequest: { host: 'example.org' },
      namespace: ns,
    },
  ]);
});
