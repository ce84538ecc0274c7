// Conformance HTTPRouteInvalidParentRefNotMatchingListenerPort (upstream
// httproute-invalid-parentref-not-matching-listener-port.go): a parentRef port that no listener uses
// leaves the route not Accepted (NoMatchingParent) and the Gateway with no attached routes.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayMustHaveZeroRoutes,
  httpRouteMustHaveCondition,
  httpRouteMustHaveNoAcceptedParents,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 67,
  manifests: ['httproute-invalid-parentref-not-matching-listener-port.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteInvalidParentRefNotMatchingListenerPort', async (t) => {
  const route = { namespace: ns, name: 'httproute-listener-not-matching-route-port' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await t.test(
    'HTTPRoute with no matching port in ParentRef has an Accepted Condition with status False and Reason NoMatchingParent',
    () =>
      httpRouteMustHaveCondition(suite, route, gateway, {
        type: 'Accepted',
        status: 'False',
        reason: 'NoMatchingParent',
      }),
  );
  await t.test('Route should not have Parents accepted in status', () =>
    httpRouteMustHaveNoAcceptedParents(suite, route),
  );
  await t.test('Gateway should have 0 Routes attached', () => gatewayMustHaveZeroRoutes(suite, gateway));
});
