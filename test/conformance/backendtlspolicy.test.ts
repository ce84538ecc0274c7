// Conformance BackendTLSPolicy (upstream backendtlspolicy.go): a Service targeted by a valid
// BackendTLSPolicy is reached over TLS with the policy's hostname as SNI, also behind an HTTPS
// listener; a hostname the certificate does not carry, or an untrusted CA, makes requests fail; and
// the policy follows the content of the ConfigMap it names.

import { after, before, test } from 'node:test';
import { withPort } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import type { Manifest } from './harness/manifest-store.ts';
import { backendTlsPolicyMustHaveCondition } from './harness/policy-status.ts';
import {
  type ExpectedCondition,
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
  namespacesMustBeReady,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 151, manifests: ['backendtlspolicy.yaml'] });
before(() => suite.start());
after(() => suite.stop());

const accepted: ExpectedCondition = { type: 'Accepted', status: 'True', reason: 'Accepted' };
const resolvedRefs: ExpectedCondition = { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs' };

test('BackendTLSPolicy', async (t) => {
  await t.test(
    'Re-encrypt HTTPS request sent to Service with valid BackendTLSPolicy should succeed',
    async () => {
      const route = { namespace: ns, name: 'backendtlspolicy-reencrypt' };
      const gateway = { namespace: ns, name: 'same-namespace-with-https-listener' };
      await namespacesMustBeReady(suite, [ns]);
      const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
      await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);
      const policy = { namespace: ns, name: 'normative-test' };
      await backendTlsPolicyMustHaveCondition(suite, policy, gateway, accepted);
      await backendTlsPolicyMustHaveCondition(suite, policy, gateway, resolvedRefs);

      // The frontend listener's certificate, for the client to trust.
      const serverCertificate = suite.certificates.tlsValidityChecks.certPem;
      await suite.expectEventuallyConsistentTlsResponse(
        withPort(gwAddr, 443),
        serverCertificate,
        'https-listener.org',
        {
          namespace: ns,
          request: { host: 'https-listener.org', path: '/backendtlspolicy', sni: 'https-listener.org' },
          expectedRequest: { path: '/backendtlspolicy', sni: 'abc.example.com' },
          response: { statusCodes: [200] },
        },
      );
    },
  );

  const route = { namespace: ns, name: 'backendtlspolicy' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  await namespacesMustBeReady(suite, [ns]);
  const gwAddr = withPort(await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]), 80);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await t.test('HTTP request sent to Service with valid BackendTLSPolicy should succeed', async () => {
    const policy = { namespace: ns, name: 'normative-test' };
    await backendTlsPolicyMustHaveCondition(suite, policy, gateway, accepted);
    await backendTlsPolicyMustHaveCondition(suite, policy, gateway, resolvedRefs);
    await suite.expectEventuallyConsistentResponse(gwAddr, {
      namespace: ns,
      request: { host: 'abc.example.com', path: '/backendtlspolicy', sni: 'abc.example.com' },
      response: { statusCodes: [200] },
    });
  });

  await t.test(
    'HTTP request sent to Service targeted by BackendTLSPolicy with mismatched hostname should return an HTTP error',
    async () => {
      const policy = { namespace: ns, name: 'host-mismatch' };
      await backendTlsPolicyMustHaveCondition(suite, policy, gateway, accepted);
      await backendTlsPolicyMustHaveCondition(suite, policy, gateway, resolvedRefs);
      await suite.expectFailure(gwAddr, {
        namespace: ns,
        request: { host: 'abc.example.org', path: '/backendtlspolicy-host-mismatch', sni: 'abc.example.com' },
      });
    },
  );

  await t.test(
    'HTTP request send to Service targeted by BackendTLSPolicy with mismatched cert should return HTTP error',
    async () => {
      const policy = { namespace: ns, name: 'cert-mismatch' };
      await backendTlsPolicyMustHaveCondition(suite, policy, gateway, accepted);
      await backendTlsPolicyMustHaveCondition(suite, policy, gateway, resolvedRefs);
      await suite.expectFailure(gwAddr, {
        namespace: ns,
        request: { host: 'abc.example.com', path: '/backendtlspolicy-cert-mismatch', sni: 'abc.example.com' },
      });
    },
  );

  await t.test(
    'Changing the content of a ConfigMap used by BackendTLSPolicy as CA certificate should be reconciled by the controller',
    async () => {
      const policy = { namespace: ns, name: 'reconcile-test' };
      await backendTlsPolicyMustHaveCondition(suite, policy, gateway, accepted);
      await backendTlsPolicyMustHaveCondition(suite, policy, gateway, resolvedRefs);

      const originalCaData = suite.certificates.tlsChecksCa.certPem;
      const testConfigMap = { namespace: ns, name: 'tls-checks-ca-certificate-reconcile-test' };
      const setCaRefs = (refs: unknown[]) => (object: Manifest) => {
        const spec = object.spec as { validation: { caCertificateRefs: unknown[] } };
        spec.validation.caCertificateRefs = refs;
      };
      let originalRefs: unknown[] = [];
      await suite.patch('BackendTLSPolicy', policy, (object) => {
        originalRefs = (object.spec as { validation: { caCertificateRefs: unknown[] } }).validation
          .caCertificateRefs;
        setCaRefs([{ group: '', kind: 'ConfigMap', name: testConfigMap.name }])(object);
      });

      const invalidAccepted: ExpectedCondition = {
        type: 'Accepted',
        status: 'False',
        reason: 'NoValidCACertificate',
      };
      const invalidResolvedRefs: ExpectedCondition = {
        type: 'ResolvedRefs',
        status: 'False',
        reason: 'InvalidCACertificateRef',
      };
      await backendTlsPolicyMustHaveCondition(suite, policy, gateway, invalidAccepted);
      await backendTlsPolicyMustHaveCondition(suite, policy, gateway, invalidResolvedRefs);
      await suite.create('backendtlspolicy-reconcile-test-configmap.yaml', [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: testConfigMap,
          data: { 'ca.crt': originalCaData },
        },
      ]);
      await backendTlsPolicyMustHaveCondition(suite, policy, gateway, accepted);
      await backendTlsPolicyMustHaveCondition(suite, policy, gateway, resolvedRefs);

      const setCaData = (value: string) => (object: Manifest) => {
        object.data = { 'ca.crt': value };
      };
      await suite.patch('ConfigMap', testConfigMap, setCaData(''));
      await backendTlsPolicyMustHaveCondition(suite, policy, gateway, invalidAccepted);
      await backendTlsPolicyMustHaveCondition(suite, policy, gateway, invalidResolvedRefs);

      await suite.patch('ConfigMap', testConfigMap, setCaData(originalCaData));
      await backendTlsPolicyMustHaveCondition(suite, policy, gateway, accepted);
      await backendTlsPolicyMustHaveCondition(suite, policy, gateway, resolvedRefs);

      await suite.patch('BackendTLSPolicy', policy, setCaRefs(originalRefs));
    },
  );
});
