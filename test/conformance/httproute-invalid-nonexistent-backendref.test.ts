// Conformance HTTPRouteInvalidNonExistentBackendRef (upstream httproute-invalid-nonexistent-backendref.go):
// a backendRef to a missing Service is BackendNotFound and its traffic gets 500.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { gatewayAndHTTPRoutesMustBeAccepted, httpRouteMustHaveCondition } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 21,
  manifests: ['httproute-invalid-nonexistent-backendref.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteInvalidNonExistentBackendRef', async (t) => {
  const route = { namespace: ns, name: 'invalid-nonexistent-backend-ref' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);

  await t.test(
    'HTTPRoute with only a nonexistent BackendRef has a ResolvedRefs Condition with status False and Reason BackendNotFound',
    async () => {
      await httpRouteMustHaveCondition(suite, route, gateway, {
        type: 'ResolvedRefs',
        status: 'False',
        reason: 'BackendNotFound',
      });
    },
  );

  await t.test('HTTP Request to invalid nonexistent backend receive a 500', async () => {
    await suite.expectEventuallyConsistentResponse(gwAddr, {
      request: { method: 'GET', path: '/' },
      response: { statusCode: 500 },
    });
  });
});
