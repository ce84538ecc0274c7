// Conformance BackendTLSPolicyInvalidKind (upstream backendtlspolicy-invalid-kind.go): a policy whose
// only CA reference is of an unsupported group and kind is not Accepted (NoValidCACertificate), its
// references are not resolved (InvalidKind), and requests to its Service get a 5xx.

import { after, before, test } from 'node:test';
import { withPort } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { backendTlsPolicyMustHaveCondition } from './harness/policy-status.ts';
import { gatewayAndHTTPRoutesMustBeAccepted, namespacesMustBeReady } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 154, manifests: ['backendtlspolicy-invalid-kind.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('BackendTLSPolicyInvalidKind', async (t) => {
  const route = { namespace: ns, name: 'backendtlspolicy-invalid-kind-test' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  await namespacesMustBeReady(suite, [ns]);
  const gwAddr = withPort(await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]), 80);
  const policy = { namespace: ns, name: 'invalid-kind' };

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
    'BackendTLSPolicy with a single invalid CACertificateRef has a ResolvedRefs Condition with status False and Reason InvalidKind',
    () =>
      backendTlsPolicyMustHaveCondition(suite, policy, gateway, {
        type: 'ResolvedRefs',
        status: 'False',
        reason: 'InvalidKind',
      }),
  );
  await t.test('HTTP Request to backend targeted by an invalid BackendTLSPolicy receive a 5xx', () =>
    suite.expectEventuallyConsistentResponse(gwAddr, {
      namespace: ns,
      request: { host: 'abc.example.com', path: '/backendtlspolicy-invalid-kind' },
      response: { statusCodes: [500, 502, 503] },
    }),
  );
});
