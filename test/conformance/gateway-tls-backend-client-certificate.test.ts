// Conformance GatewayTLSBackendClientCertificate (upstream gateway-tls-backend-client-certificate.go):
// a Gateway with a backend client certificate presents it to a TLS backend (reached through a
// BackendTLSPolicy) that verifies client certificates.

import { after, before, test } from 'node:test';
import { withPort } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { backendTlsPolicyMustHaveAcceptedConditionTrue } from './harness/policy-status.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  gatewayMustHaveCondition,
  httpRouteMustHaveResolvedRefsConditionsTrue,
  namespacesMustBeReady,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 162,
  manifests: ['gateway-tls-backend-client-certificate.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('GatewayTLSBackendClientCertificate', async (t) => {
  const route = { namespace: ns, name: 'gateway-tls-backend-client-certificate' };
  const gateway = { namespace: ns, name: 'gateway-tls-backend-client-certificate' };
  const policy = { namespace: ns, name: 'gateway-tls-backend-client-certificate-test' };
  await namespacesMustBeReady(suite, [ns]);
  const gwAddr = withPort(await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]), 80);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);
  await backendTlsPolicyMustHaveAcceptedConditionTrue(suite, policy, gateway);
  await gatewayMustHaveCondition(suite, gateway, {
    type: 'ResolvedRefs',
    status: 'True',
    reason: 'ResolvedRefs',
  });

  await t.test(
    'HTTP request sent to Service using TLS should succeed and the configured client certificate should be presented.',
    () =>
      suite.expectEventuallyConsistentResponse(gwAddr, {
        namespace: ns,
        request: {
          path: '/',
          host: 'abc.example.com',
          sni: 'abc.example.com',
          clientCert: suite.certificates.tlsChecksClient.certPem,
        },
        response: { statusCodes: [200] },
      }),
  );
});
