// Conformance HTTPRouteInvalidCrossNamespaceParentRef (upstream
// httproute-invalid-cross-namespace-parent-ref.go): a route from a namespace the listener does not
// admit is not Accepted (NotAllowedByListeners) and the Gateway counts no route.

import { after, before, test } from 'node:test';
import { infraNamespace, webBackendNamespace } from './harness/fixtures.ts';
import {
  gatewayMustHaveZeroRoutes,
  httpRouteMustHaveCondition,
  httpRouteMustHaveNoAcceptedParents,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 20,
  manifests: ['httproute-invalid-cross-namespace-parent-ref.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteInvalidCrossNamespaceParentRef', async (t) => {
  const gateway = { namespace: infraNamespace, name: 'same-namespace' };
  const route = { namespace: webBackendNamespace, name: 'invalid-cross-namespace-parent-ref' };
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await t.test(
    'HTTPRoute should have an Accepted: false condition with reason NotAllowedByListeners',
    async () => {
      await httpRouteMustHaveCondition(suite, route, gateway, {
        type: 'Accepted',
        status: 'False',
        reason: 'NotAllowedByListeners',
      });
    },
  );

  await t.test('Route should not have Parents set in status', async () => {
    await httpRouteMustHaveNoAcceptedParents(suite, route);
  });

  await t.test('Gateway should have 0 Routes attached', async () => {
    await gatewayMustHaveZeroRoutes(suite, gateway);
  });
});
