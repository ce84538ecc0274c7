// Conformance GatewaySecretReferenceGrantAllInNamespace (upstream
// gateway-secret-reference-grant-all-in-namespace.go): a grant for all Secrets of a namespace
// authorises a certificate from it, and the listener is Programmed.

import { after, before, test } from 'node:test';
import { infraNamespace } from './harness/fixtures.ts';
import { gatewayStatusMustHaveListeners } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 10,
  manifests: ['gateway-secret-reference-grant-all-in-namespace.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('GatewaySecretReferenceGrantAllInNamespace', async (t) => {
  const gateway = { namespace: infraNamespace, name: 'gateway-secret-reference-grant-all-in-namespace' };

  await t.test(
    'Gateway listener should have a true ResolvedRefs condition and a true Programmed condition',
    async () => {
      await gatewayStatusMustHaveListeners(suite, gateway, [
        {
          name: 'https',
          supportedKinds: [{ kind: 'HTTPRoute' }],
          conditions: [
            { type: 'Programmed', status: 'True', reason: 'Programmed' },
            { type: 'ResolvedRefs', status: 'True' },
          ],
          attachedRoutes: 0,
        },
      ]);
    },
  );
});
