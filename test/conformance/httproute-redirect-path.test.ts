// Conformance HTTPRouteRedirectPath (upstream httproute-redirect-path.go): redirects rewrite the path by
// prefix or in full, alone, with a hostname, or with status 301.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 54, manifests: ['httproute-redirect-path.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteRedirectPath', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'redirect-path' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  const redirect = (path: string, statusCode: number, redirectRequest: { host?: string; path: string }) => ({
    request: { path },
    response: { statusCode },
    redirectRequest,
    namespace: ns,
  });
  await suite.expectResponses(t, gwAddr, [
    redirect('/original-prefix/lemon', 302, { path: '/replacement-prefix/lemon' }),
    redirect('/full/path/original', 302, { path: '/full-path-replacement' }),
    redirect('/path-and-host', 302, { host: 'example.org', path: '/replacement-prefix' }),
    redirect('/path-and-status', 301, { path: '/replacement-prefix' }),
    redirect('/full-path-and-host', 302, { host: 'example.org', path: '/replacement-full' }),
    redirect('/full-path-and-status', 301, { path: '/replacement-full' }),
  ]);
});
