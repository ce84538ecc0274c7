// Conformance GatewayInvalidRouteKind (upstream gateway-invalid-route-kind.go): unknown kinds in
// allowedRoutes.kinds make the listener ResolvedRefs=False/InvalidRouteKinds and are left out of
// supportedKinds.

import { after, before, test } from 'node:test';
import { infraNamespace } from './harness/fixtures.ts';
import { gatewayStatusMustHaveListeners } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 3, manifests: ['gateway-invalid-route-kind.yaml'] });
before(() => suite.start());
after(() => suite.stop());

const invalidRouteKinds = { type: 'ResolvedRefs', status: 'False', reason: 'InvalidRouteKinds' } as const;

test('GatewayInvalidRouteKind', async (t) => {
  await t.test(
    'Gateway listener should have a false ResolvedRefs condition with reason InvalidRouteKinds and no supportedKinds',
    async () => {
      await gatewayStatusMustHaveListeners(
        suite,
        { namespace: infraNamespace, name: 'gateway-only-invalid-route-kind' },
        [{ name: 'http', supportedKinds: [], conditions: [invalidRouteKinds], attachedRoutes: 0 }],
      );
    },
  );

  await t.test(
    'Gateway listener should have a false ResolvedRefs condition with reason InvalidRouteKinds and HTTPRoute must be put in the supportedKinds',
    async () => {
      const gateway = { namespace: infraNamespace, name: 'gateway-supported-and-invalid-route-kind' };
      await gatewayStatusMustHaveListeners(suite, gateway, [
        {
          name: 'http',
          supportedKinds: [{ kind: 'HTTPRoute' }],
          conditions: [invalidRouteKinds],
          attachedRoutes: 0,
        },
      ]);
    },
  );
});
