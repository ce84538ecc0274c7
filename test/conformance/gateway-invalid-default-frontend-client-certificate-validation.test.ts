// Conformance GatewayFrontendInvalidDefaultClientCertificateValidation (upstream
// gateway-invalid-default-frontend-client-certificate-validation.go): a default client CA that does
// not resolve invalidates the HTTPS listener (InvalidCACertificateRef, NoValidCACertificate) and its
// traffic, while the HTTP listener beside it keeps serving.

import { after, before, test } from 'node:test';
import { withPort } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { listenersMustHaveConditions, waitForGatewayAddress } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 159,
  manifests: ['gateway-invalid-default-frontend-client-certificate-validation.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('GatewayFrontendInvalidDefaultClientCertificateValidation', async (t) => {
  const gateway = { namespace: ns, name: 'invalid-default-client-validation-config' };
  // The listeners' statuses are checked one by one below; here only the address is awaited.
  const gwAddr = await waitForGatewayAddress(suite, gateway);
  const serverCertificate = suite.certificates.tlsValidityChecks.certPem;

  await t.test('Validate tls configuration does not impact HTTP listener', async () => {
    await listenersMustHaveConditions(
      suite,
      'Gateway',
      gateway,
      [
        { type: 'ResolvedRefs', status: 'True' },
        { type: 'Accepted', status: 'True' },
        { type: 'Programmed', status: 'True' },
      ],
      ['http'],
    );
    await suite.expectEventuallyConsistentResponse(withPort(gwAddr, 80), {
      request: { host: 'example.org', path: '/' },
      response: { statusCode: 200 },
      backend: 'infra-backend-v1',
      namespace: ns,
    });
  });

  await t.test('Validate that invalid default configuration is impacting HTTPS listener', async () => {
    await listenersMustHaveConditions(
      suite,
      'Gateway',
      gateway,
      [
        { type: 'ResolvedRefs', status: 'False', reason: 'InvalidCACertificateRef' },
        { type: 'Accepted', status: 'False', reason: 'NoValidCACertificate' },
        { type: 'Programmed', status: 'False' },
      ],
      ['https'],
    );
    await suite.expectTlsFailureResponse(withPort(gwAddr, 443), serverCertificate, 'example.org', {
      request: { host: 'example.org', path: '/' },
      namespace: ns,
    });
  });
});
