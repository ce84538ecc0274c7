// Conformance GatewayInvalidFrontendClientCertificateValidation (upstream
// gateway-with-invalid-clientcertificate-validation.go): a bad per-port client CA reference (missing,
// of the wrong kind, or in another namespace without a ReferenceGrant) invalidates only the listener
// on that port, with the matching reason; the listener using the valid default stays healthy.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { type ExpectedCondition, listenersMustHaveConditions } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 160,
  manifests: ['gateway-with-invalid-clientcertificate-validation.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

function invalid(reason: string): ExpectedCondition[] {
  return [
    { type: 'ResolvedRefs', status: 'False', reason },
    { type: 'Accepted', status: 'False', reason: 'NoValidCACertificate' },
    { type: 'Programmed', status: 'False' },
  ];
}

test('GatewayInvalidFrontendClientCertificateValidation', async (t) => {
  await t.test('Validate status for invalid client certificate configuration', async (t) => {
    const gateway = { namespace: ns, name: 'gateway-with-invalid-client-cert-validation' };
    const cases: { name: string; listener: string; conditions: ExpectedCondition[] }[] = [
      {
        name: 'default valid configuration',
        listener: 'https',
        conditions: [
          { type: 'ResolvedRefs', status: 'True' },
          { type: 'Accepted', status: 'True' },
          { type: 'Programmed', status: 'True' },
        ],
      },
      {
        name: 'unresolved reference',
        listener: 'https-unresolved',
        conditions: invalid('InvalidCACertificateRef'),
      },
      {
        name: 'invalid kind',
        listener: 'https-invalid-kind',
        conditions: invalid('InvalidCACertificateKind'),
      },
      {
        name: 'reference grant missing',
        listener: 'https-grant-missing',
        conditions: invalid('RefNotPermitted'),
      },
    ];
    for (const { name, listener, conditions } of cases) {
      await t.test(name, () =>
        listenersMustHaveConditions(suite, 'Gateway', gateway, conditions, [listener]),
      );
    }
  });
});
