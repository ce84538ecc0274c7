// Conformance GatewaySecretMissingReferenceGrant (upstream gateway-secret-missing-reference-grant.go):
// without a ReferenceGrant, a certificate from another namespace is RefNotPermitted.

import { after, before, test } from 'node:test';
import { infraNamespace } from './harness/fixtures.ts';
import { gatewayStatusMustHaveListeners } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 9, manifests: ['gateway-secret-missing-reference-grant.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('GatewaySecretMissingReferenceGrant', async (t) => {
  const gateway = { namespace: infraNamespace, name: 'gateway-secret-missing-reference-grant' };

  await t.test(
    'Gateway listener should have a false ResolvedRefs condition with reason RefNotPermitted',
    async () => {
      await gatewayStatusMustHaveListeners(suite, gateway, [
        {
          name: 'https',
          supportedKinds: [{ kind: 'HTTPRoute' }],
          conditions: [{ type: 'ResolvedRefs', status: 'False', reason: 'RefNotPermitted' }],
          attachedRoutes: 0,
        },
      ]);
    },
  );
});
