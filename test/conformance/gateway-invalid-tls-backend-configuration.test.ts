// Conformance GatewayInvalidTLSBackendConfiguration (upstream
// gateway-invalid-tls-backend-configuration.go): a backend client certificate reference that is
// missing, of the wrong group or kind, malformed, or in another namespace without a ReferenceGrant
// leaves the Gateway Accepted but not ResolvedRefs, with the matching reason.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { gatewayMustHaveCondition, gatewayMustHaveLatestConditions } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 161,
  manifests: ['gateway-invalid-tls-backend-configuration.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('GatewayInvalidTLSBackendConfiguration', { concurrency: true }, async (t) => {
  const cases = [
    {
      name: 'Nonexistent secret referenced as ClientCertificateRef in Gateway backend TLS configuration',
      gateway: 'gateway-client-certificate-nonexistent-secret',
      reason: 'InvalidClientCertificateRef',
    },
    {
      name: 'Unsupported group resource referenced as ClientCertificateRef in Gateway backend TLS configuration',
      gateway: 'gateway-client-certificate-unsupported-group',
      reason: 'InvalidClientCertificateRef',
    },
    {
      name: 'Unsupported kind resource referenced as ClientCertificateRef inGateway backend TLS configuration',
      gateway: 'gateway-client-certificate-unsupported-kind',
      reason: 'InvalidClientCertificateRef',
    },
    {
      name: 'Malformed secret referenced as ClientCertificateRef in Gateway backend TLS configuration',
      gateway: 'gateway-client-certificate-malformed-secret',
      reason: 'InvalidClientCertificateRef',
    },
    {
      name: 'Secret referenced from another namespace without any ReferenceGrant as ClientCertificateRef in Gateway backend TLS configuration',
      gateway: 'gateway-client-certificate-missing-reference-grant',
      reason: 'RefNotPermitted',
    },
  ];
  // Upstream runs the cases in parallel.
  await Promise.all(
    cases.map(({ name, gateway, reason }) =>
      t.test(name, async () => {
        const target = { namespace: ns, name: gateway };
        await gatewayMustHaveLatestConditions(suite, target);
        await gatewayMustHaveCondition(suite, target, { type: 'ResolvedRefs', status: 'False', reason });
        await gatewayMustHaveCondition(suite, target, {
          type: 'Accepted',
          status: 'True',
          reason: 'Accepted',
        });
      }),
    ),
  );
});
