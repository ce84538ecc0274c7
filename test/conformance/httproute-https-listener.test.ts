// Conformance HTTPRouteHTTPSListener (upstream httproute-https-listener.go): routes on HTTPS listeners
// terminate TLS and route by the Host sent with a matching SNI; sectionName binds a route to the
// listener with hostname second-example.org; an unknown host gets 404.

import { after, before, test } from 'node:test';
import { testCaseName } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 15, manifests: ['httproute-https-listener.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteHTTPSListener', async (t) => {
  const route = { namespace: ns, name: 'httproute-https-test' };
  const routeNoHost = { namespace: ns, name: 'httproute-https-test-no-hostname' };
  const gateway = { namespace: ns, name: 'same-namespace-with-https-listener' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route, routeNoHost]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, routeNoHost, gateway);
  const serverCertificate = suite.certificates.tlsValidityChecks.certPem;

  const cases = [
    { host: 'example.org', statusCode: 200, backend: 'infra-backend-v1' },
    { host: 'unknown-example.org', statusCode: 404, backend: '' },
    { host: 'second-example.org', statusCode: 200, backend: 'infra-backend-v2' },
  ];
  for (const [index, { host, statusCode, backend }] of cases.entries()) {
    const expected = {
      request: { host, path: '/' },
      response: { statusCode },
      backend,
      namespace: ns,
    };
    await t.test(testCaseName(expected, index), () =>
      suite.expectEventuallyConsistentTlsResponse(gwAddr, serverCertificate, host, expected),
    );
  }
});
