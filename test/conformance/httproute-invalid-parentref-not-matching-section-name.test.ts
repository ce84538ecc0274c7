// Conformance HTTPRouteInvalidParentRefNotMatchingSectionName (upstream
// httproute-invalid-parentref-not-matching-section-name.go): a parentRef naming a listener the Gateway
// does not have is not Accepted (NoMatchingParent), and the Gateway counts no route.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayMustHaveZeroRoutes,
  httpRouteMustHaveCondition,
  httpRouteMustHaveNoAcceptedParents,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 22,
  manifests: ['httproute-invalid-parentref-not-matching-section-name.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteInvalidParentRefNotMatchingSectionName', async (t) => {
  const route = { namespace: ns, name: 'httproute-listener-not-matching-section-name' };
  const gateway = { namespace: ns, name: 'same-namespace' };

  await t.test(
    'HTTPRoute with no matching sectionName in ParentRef has an Accepted Condition with status False and Reason NoMatchingParent',
    async () => {
      await httpRouteMustHaveCondition(suite, route, gateway, {
        type: 'Accepted',
        status: 'False',
        reason: 'NoMatchingParent',
      });
    },
  );

  await t.test('Route should not have Parents accepted in status', async () => {
    await httpRouteMustHaveNoAcceptedParents(suite, route);
  });

  await t.test('Gateway should have 0 Routes attached', async () => {
    await gatewayMustHaveZeroRoutes(suite, gateway);
  });
});
