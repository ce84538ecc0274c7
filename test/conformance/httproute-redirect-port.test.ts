// Conformance HTTPRouteRedirectPort (upstream httproute-redirect-port.go): redirects to port 8083, alone,
// with a hostname, with status 301 and with both.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 55, manifests: ['httproute-redirect-port.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteRedirectPort', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'redirect-port' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  const redirect = (path: string, statusCode: number, redirectRequest: { host?: string; port: string }) => ({
    request: { path },
    response: { statusCode },
    redirectRequest,
    namespace: ns,
  });
  await suite.expectResponses(t, gwAddr, [
    redirect('/port', 302, { port: '8083' }),
    redirect('/port-and-host', 302, { host: 'example.org', port: '8083' }),
    redirect('/port-and-status', 301, { port: '8083' }),
    redirect('/port-and-host-and-status', 302, { port: '8083', host: 'example.org' }),
  ]);
});
