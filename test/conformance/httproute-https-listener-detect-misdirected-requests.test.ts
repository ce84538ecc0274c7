// Conformance HTTPRouteHTTPSListenerDetectMisdirectedRequests (upstream
// httproute-https-listener-detect-misdirected-requests.go): over HTTP/2, where one TLS connection could
// carry requests for several hosts, a request whose :authority belongs to another HTTPS listener than
// the one its SNI chose is answered 421.

import { after, before, test } from 'node:test';
import { type ExpectedResponse, testCaseName } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 70,
  manifests: ['httproute-https-listener-detect-misdirected-requests.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

const cases = [
  { serverName: 'example.org', host: 'example.org', statusCode: 200, backend: 'infra-backend-v1' },
  { serverName: 'example.org', host: 'second-example.org', statusCode: 421 },
  { serverName: 'example.org', host: 'unknown-example.org', statusCode: 404 },
  {
    serverName: 'second-example.org',
    host: 'second-example.org',
    statusCode: 200,
    backend: 'infra-backend-v2',
  },
  { serverName: 'second-example.org', host: 'example.org', statusCode: 421 },
  { serverName: 'second-example.org', host: 'unknown-example.org', statusCode: 421 },
  {
    serverName: 'third-example.wildcard.org',
    host: 'third-example.wildcard.org',
    statusCode: 200,
    backend: 'infra-backend-v3',
  },
  {
    serverName: 'third-example.wildcard.org',
    host: 'fith-example.wildcard.org',
    statusCode: 200,
    backend: 'infra-backend-v3',
  },
  { serverName: 'third-example.wildcard.org', host: 'fourth-example.wildcard.org', statusCode: 421 },
  { serverName: 'third-example.wildcard.org', host: 'second-example.org', statusCode: 421 },
  { serverName: 'third-example.wildcard.org', host: 'unknown-example.org', statusCode: 421 },
  // There is no infra-backend-v4: the fourth route reuses infra-backend-v1.
  {
    serverName: 'fourth-example.wildcard.org',
    host: 'fourth-example.wildcard.org',
    statusCode: 200,
    backend: 'infra-backend-v1',
  },
  { serverName: 'fourth-example.wildcard.org', host: 'fith-example.wildcard.org', statusCode: 421 },
  { serverName: 'unknown-example.org', host: 'example.org', statusCode: 200, backend: 'infra-backend-v1' },
  { serverName: 'unknown-example.org', host: 'unknown-example.org', statusCode: 404 },
];

test('HTTPRouteHTTPSListenerDetectMisdirectedRequests', async (t) => {
  const routes = [1, 2, 3, 4].map((index) => ({
    namespace: ns,
    name: `https-listener-detect-misdirected-requests-test-${index}`,
  }));
  const gateway = { namespace: ns, name: 'same-namespace-with-https-listener' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, routes);
  for (const route of routes) await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);
  const serverCertificate = suite.certificates.tlsValidityChecks.certPem;

  for (const [index, { serverName, host, statusCode, backend }] of cases.entries()) {
    const expected: ExpectedResponse = {
      request: { host, path: '/detect-misdirected-requests', protocol: 'H2' },
      response: { statusCodes: [statusCode] },
      backend: backend ?? '',
      namespace: ns,
    };
    await t.test(testCaseName(expected, index), () =>
      suite.expectEventuallyConsistentTlsResponse(gwAddr, serverCertificate, serverName, expected),
    );
  }
});
