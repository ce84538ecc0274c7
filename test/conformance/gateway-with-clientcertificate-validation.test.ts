// Conformance GatewayFrontendClientCertificateValidation (upstream
// gateway-with-clientcertificate-validation.go): HTTPS listeners ask clients for a certificate and
// accept only those of the CA configured for their port (the default one on 443, a per-port one on
// 8443); a certificate of the other CA fails the request.

import { after, before, test } from 'node:test';
import { withPort } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 157,
  manifests: ['gateway-with-clientcertificate-validation.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('GatewayFrontendClientCertificateValidation', async (t) => {
  const routes = [
    { namespace: ns, name: 'client-certificate-validation-https-test' },
    { namespace: ns, name: 'client-certificate-validation-https-test-no-hostname' },
  ];
  const gateway = { namespace: ns, name: 'client-validation-default' };
  // Two HTTPS listeners on different ports: the address is used without the first one's port.
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, routes);
  for (const route of routes) await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  // One server certificate for both listeners.
  const serverCertificate = suite.certificates.tlsValidityChecks.certPem;
  const defaultClient = suite.certificates.tlsValidityChecksClient;
  const perPortClient = suite.certificates.tlsValidityChecksPerPortClient;

  await t.test('Validate default configuration', async () => {
    const defaultAddr = withPort(gwAddr, 443);
    await suite.expectEventuallyConsistentTlsResponse(
      defaultAddr,
      serverCertificate,
      'example.org',
      {
        request: { host: 'example.org', path: '/' },
        response: { statusCode: 200 },
        backend: 'infra-backend-v1',
        namespace: ns,
      },
      defaultClient,
    );
    await suite.expectTlsFailureResponse(
      defaultAddr,
      serverCertificate,
      'example.org',
      { request: { host: 'example.org', path: '/' }, namespace: ns },
      perPortClient,
    );
  });

  await t.test('Validate per port configuration', async () => {
    const perPortAddr = withPort(gwAddr, 8443);
    await suite.expectEventuallyConsistentTlsResponse(
      perPortAddr,
      serverCertificate,
      'second-example.org',
      {
        request: { host: 'second-example.org', path: '/' },
        response: { statusCode: 200 },
        backend: 'infra-backend-v2',
        namespace: ns,
      },
      perPortClient,
    );
    await suite.expectTlsFailureResponse(
      perPortAddr,
      serverCertificate,
      'second-example.org',
      { request: { host: 'second-example.org', path: '/' }, namespace: ns },
      defaultClient,
    );
  });
});
