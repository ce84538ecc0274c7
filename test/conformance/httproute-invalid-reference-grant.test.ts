// Conformance HTTPRouteInvalidReferenceGrant (upstream httproute-invalid-reference-grant.go):
// ReferenceGrants that are each wrong in one detail do not authorise a cross-namespace backend; the
// route is RefNotPermitted and its traffic gets 500.

import { after, before, test } from 'node:test';
import { infraNamespace as ns, webBackendNamespace } from './harness/fixtures.ts';
import { gatewayAndHTTPRoutesMustBeAccepted, httpRouteMustHaveCondition } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 23, manifests: ['httproute-invalid-reference-grant.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteInvalidReferenceGrant', async (t) => {
  const route = { namespace: ns, name: 'reference-grant' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);

  await t.test(
    'HTTPRoute with BackendRef in another namespace and no ReferenceGrant covering the Service has a ResolvedRefs Condition with status False and Reason RefNotPermitted',
    async () => {
      await httpRouteMustHaveCondition(suite, route, gateway, {
        type: 'ResolvedRefs',
        status: 'False',
        reason: 'RefNotPermitted',
      });
    },
  );

  await t.test('Simple HTTP request not should reach web-backend', async () => {
    await suite.expectEventuallyConsistentResponse(gwAddr, {
      request: { method: 'GET', path: '/' },
      response: { statusCode: 500 },
      backend: 'web-backend',
      namespace: webBackendNamespace,
    });
  });
});
