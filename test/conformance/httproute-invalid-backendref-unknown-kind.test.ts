// Conformance HTTPRouteInvalidBackendRefUnknownKind (upstream httproute-invalid-backendref-unknown-kind.go):
// a backendRef of an unknown kind leaves the route Accepted with ResolvedRefs=False/InvalidKind, and
// its traffic gets 500.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { gatewayAndHTTPRoutesMustBeAccepted, httpRouteMustHaveCondition } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 18,
  manifests: ['httproute-invalid-backendref-unknown-kind.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteInvalidBackendRefUnknownKind', async (t) => {
  const route = { namespace: ns, name: 'invalid-backend-ref-unknown-kind' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);

  await t.test(
    'HTTPRoute with Invalid Kind has a ResolvedRefs Condition with status False and Reason InvalidKind',
    async () => {
      await httpRouteMustHaveCondition(suite, route, gateway, {
        type: 'ResolvedRefs',
        status: 'False',
        reason: 'InvalidKind',
      });
    },
  );

  await t.test('HTTP Request to invalid backend with invalid Kind receives a 500', async () => {
    await suite.expectEventuallyConsistentResponse(gwAddr, {
      request: { method: 'GET', path: '/v2' },
      response: { statusCode: 500 },
    });
  });
});
