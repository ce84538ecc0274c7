// Conformance HTTPRouteRedirectScheme (upstream httproute-redirect-scheme.go): redirects to https, alone,
// with a hostname, with status 301 and with both; the port follows the scheme.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 56, manifests: ['httproute-redirect-scheme.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteRedirectScheme', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'redirect-scheme' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  const redirect = (
    path: string,
    statusCode: number,
    redirectRequest: { host?: string; scheme: string },
  ) => ({
    request: { path },
    response: { statusCode },
    redirectRequest,
    namespace: ns,
  });
  await suite.expectResponses(t, gwAddr, [
    redirect('/scheme', 302, { scheme: 'https' }),
    redirect('/scheme-and-host', 302, { host: 'example.org', scheme: 'https' }),
    redirect('/scheme-and-status', 301, { scheme: 'https' }),
    redirect('/scheme-and-host-and-status', 302, { scheme: 'https', host: 'example.org' }),
  ]);
});
