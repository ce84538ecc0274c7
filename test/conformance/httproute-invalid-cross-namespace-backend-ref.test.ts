// Conformance HTTPRouteInvalidCrossNamespaceBackendRef (upstream
// httproute-invalid-cross-namespace-backend-ref.go): a backend in another namespace without a
// ReferenceGrant is RefNotPermitted and its traffic gets 500.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { gatewayAndHTTPRoutesMustBeAccepted, httpRouteMustHaveCondition } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 19,
  manifests: ['httproute-invalid-cross-namespace-backend-ref.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteInvalidCrossNamespaceBackendRef', async (t) => {
  const route = { namespace: ns, name: 'invalid-cross-namespace-backend-ref' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);

  await t.test(
    'HTTPRoute with a cross-namespace BackendRef and no ReferenceGrant has a ResolvedRefs Condition with status False and Reason RefNotPermitted',
    async () => {
      await httpRouteMustHaveCondition(suite, route, gateway, {
        type: 'ResolvedRefs',
        status: 'False',
        reason: 'RefNotPermitted',
      });
    },
  );

  await t.test('HTTP Request to invalid cross-namespace backend must receive a 500', async () => {
    await suite.expectEventuallyConsistentResponse(gwAddr, {
      request: { method: 'GET', path: '/' },
      response: { statusCode: 500 },
    });
  });
});
