// Conformance HTTPRouteInvalidParentRefSectionNameNotMatchingPort (upstream
// httproute-invalid-parentref-section-name-not-matching-port.go): a parentRef naming a listener on port
// 80 with port 81 leaves the route not Accepted (NoMatchingParent) and the Gateway with no attached
// routes.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayMustHaveZeroRoutes,
  httpRouteMustHaveCondition,
  httpRouteMustHaveNoAcceptedParents,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 68,
  manifests: ['httproute-invalid-parentref-section-name-not-matching-port.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteInvalidParentRefSectionNameNotMatchingPort', async (t) => {
  const route = { namespace: ns, name: 'httproute-listener-section-name-not-matching-port' };
  const gateway = { namespace: ns, name: 'gateway-with-one-not-matching-port-and-section-name-route' };

  await t.test(
    'HTTPRoute with sectionName does not match Port in ParentRef has an Accepted Condition with status False and Reason NoMatchingParent',
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
