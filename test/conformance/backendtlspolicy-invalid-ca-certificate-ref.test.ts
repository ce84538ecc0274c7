// Conformance BackendTLSPolicyInvalidCACertificateRef (upstream
// backendtlspolicy-invalid-ca-certificate-ref.go): a policy whose only CA reference names a missing
// ConfigMap, or one without a certificate, is not Accepted (NoValidCACertificate), its references
// are not resolved (InvalidCACertificateRef), and requests to its Service get a 5xx.

import { after, before, test } from 'node:test';
import { withPort } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { backendTlsPolicyMustHaveCondition } from './harness/policy-status.ts';
import { gatewayAndHTTPRoutesMustBeAccepted, namespacesMustBeReady } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 153,
  manifests: ['backendtlspolicy-invalid-ca-certificate-ref.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('BackendTLSPolicyInvalidCACertificateRef', async (t) => {
  const route = { namespace: ns, name: 'backendtlspolicy-invalid-ca-certificate-ref' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  await namespacesMustBeReady(suite, [ns]);
  const gwAddr = withPort(await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]), 80);

  for (const name of ['nonexistent-ca-certificate-ref', 'malformed-ca-certificate-ref']) {
    const policy = { namespace: ns, name };
    await t.test(`BackendTLSPolicy_${name}`, async (t) => {
      await t.test(
        'BackendTLSPolicy with a single invalid CACertificateRef has a Accepted Condition with status False and Reason NoValidCACertificate',
        () =>
          backendTlsPolicyMustHaveCondition(suite, policy, gateway, {
            type: 'Accepted',
            status: 'False',
            reason: 'NoValidCACertificate',
          }),
      );
      await t.test(
        'BackendTLSPolicy with a single invalid CACertificateRef has a ResolvedRefs Condition with status False and Reason InvalidCACertificateRef',
        () =>
          backendTlsPolicyMustHaveCondition(suite, policy, gateway, {
            type: 'ResolvedRefs',
            status: 'False',
            reason: 'InvalidCACertificateRef',
          }),
      );
      await t.test('HTTP Request to backend targeted by an invalid BackendTLSPolicy receive a 5xx', () =>
        suite.expectEventuallyConsistentResponse(gwAddr, {
          namespace: ns,
          request: { host: 'abc.example.com', path: `/backendtlspolicy-${name}` },
          response: { statusCodes: [500, 502, 503] },
        }),
      );
    });
  }
});
