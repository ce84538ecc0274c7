// Conformance GatewaySecretInvalidReferenceGrant (upstream gateway-secret-invalid-reference-grant.go):
// ReferenceGrants that are each wrong in one detail do not authorise a cross-namespace certificate.

import { after, before, test } from 'node:test';
import { infraNamespace } from './harness/fixtures.ts';
import { gatewayStatusMustHaveListeners } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 8, manifests: ['gateway-secret-invalid-reference-grant.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('GatewaySecretInvalidReferenceGrant', async (t) => {
  const gateway = { namespace: infraNamespace, name: 'gateway-secret-invalid-reference-grant' };

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
