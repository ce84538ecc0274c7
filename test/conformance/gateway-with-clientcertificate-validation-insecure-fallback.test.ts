// Conformance GatewayFrontendClientCertificateValidationInsecureFallback (upstream
// gateway-with-clientcertificate-validation-insecure-fallback.go): in AllowInsecureFallback mode the
// Gateway reports InsecureFrontendValidationMode, still asks clients for a certificate, and serves
// clients with a certificate of either CA or with none.

import { after, before, test } from 'node:test';
import { type ExpectedResponse, withPort } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import type { Certificate } from './harness/pki.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  gatewayMustHaveCondition,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 158,
  manifests: ['gateway-with-clientcertificate-validation-insecure-fallback.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('GatewayFrontendClientCertificateValidationInsecureFallback', async (t) => {
  const routes = [
    { namespace: ns, name: 'client-cert-validation-insecure-fallback-test' },
    { namespace: ns, name: 'client-cert-validation-insecure-fallback-test-no-hostname' },
  ];
  const gateway = { namespace: ns, name: 'client-validation-insecure-fallback' };
  // Two HTTPS listeners on different ports: the address is used without the first one's port.
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, routes);
  for (const route of routes) await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await t.test('Validate InsecureFrontendValidationMode status condition on the Gateway', () =>
    gatewayMustHaveCondition(suite, gateway, {
      type: 'InsecureFrontendValidationMode',
      reason: 'ConfigurationChanged',
      status: 'True',
    }),
  );

  const serverCertificate = suite.certificates.tlsValidityChecks.certPem;
  const defaultClient = suite.certificates.tlsValidityChecksClient;
  const perPortClient = suite.certificates.tlsValidityChecksPerPortClient;
  const succeeds = (address: string, serverName: string, expected: ExpectedResponse, client?: Certificate) =>
    suite.expectEventuallyConsistentTlsResponse(address, serverCertificate, serverName, expected, client);

  await t.test('Validate default TLS configuration', async (t) => {
    const defaultAddr = withPort(gwAddr, 443);
    const expected: ExpectedResponse = {
      request: { host: 'example.org', path: '/' },
      response: { statusCode: 200 },
      backend: 'infra-backend-v1',
      namespace: ns,
    };
    await t.test(
      'Send request to the first listener with matching client certificate and validate that it is passing',
      () => succeeds(defaultAddr, 'example.org', expected, defaultClient),
    );
    await t.test(
      'Send request to the first listener with non-matching client certificate and validate that it is passing',
      () => succeeds(defaultAddr, 'example.org', expected, perPortClient),
    );
    await t.test(
      'Send request to the first listener without client certificate and validate that it is passing',
      () => succeeds(defaultAddr, 'example.org', expected),
    );
  });

  await t.test('Validate per port TLS configuration', async (t) => {
    const perPortAddr = withPort(gwAddr, 8443);
    const expected: ExpectedResponse = {
      request: { host: 'second-example.org', path: '/' },
      response: { statusCode: 200 },
      backend: 'infra-backend-v2',
      namespace: ns,
    };
    await t.test(
      'Send request to the second listener with matching client certificate and validate that it is passing',
      () => succeeds(perPortAddr, 'second-example.org', expected, perPortClient),
    );
    await t.test(
      'Send request to the second listener with non-matching client certificate and validate that it is passing',
      () => succeeds(perPortAddr, 'second-example.org', expected, defaultClient),
    );
    await t.test(
      'Send request to the second listener without client certificate and validate that it is passing',
      () => succeeds(perPortAddr, 'second-example.org', expected),
    );
  });
});
