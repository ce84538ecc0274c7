// Conformance GatewayInvalidTLSConfiguration (upstream gateway-invalid-tls-configuration.go): an
// HTTPS listener whose certificateRef is missing, of a foreign group or kind, or malformed reports
// ResolvedRefs=False/InvalidCertificateRef.

import { after, before, test } from 'node:test';
import { infraNamespace } from './harness/fixtures.ts';
import { gatewayStatusMustHaveListeners } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 4, manifests: ['gateway-invalid-tls-configuration.yaml'] });
before(() => suite.start());
after(() => suite.stop());

const cases = [
  [
    'Nonexistent secret referenced as CertificateRef in a Gateway listener',
    'gateway-certificate-nonexistent-secret',
  ],
  [
    'Unsupported group resource referenced as CertificateRef in a Gateway listener',
    'gateway-certificate-unsupported-group',
  ],
  [
    'Unsupported kind resource referenced as CertificateRef in a Gateway listener',
    'gateway-certificate-unsupported-kind',
  ],
  [
    'Malformed secret referenced as CertificateRef in a Gateway listener',
    'gateway-certificate-malformed-secret',
  ],
];

test('GatewayInvalidTLSConfiguration', { concurrency: true }, async (t) => {
  await Promise.all(
    cases.map(([name, gateway]) =>
      t.test(name, () =>
        gatewayStatusMustHaveListeners(suite, { namespace: infraNamespace, name: gateway }, [
          {
            name: 'https',
            supportedKinds: [{ kind: 'HTTPRoute' }],
            conditions: [{ type: 'ResolvedRefs', status: 'False', reason: 'InvalidCertificateRef' }],
            attachedRoutes: 0,
          },
        ]),
      ),
    ),
  );
});
