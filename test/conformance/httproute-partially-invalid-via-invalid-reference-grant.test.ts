// Conformance HTTPRoutePartiallyInvalidViaInvalidReferenceGrant (upstream
// httproute-partially-invalid-via-invalid-reference-grant.go): the rule whose backend the grant does
// not cover answers 500 while its sibling rule serves, and the route reports RefNotPermitted.

import { after, before, test } from 'node:test';
import { appBackendNamespace, infraNamespace as ns } from './harness/fixtures.ts';
import { gatewayAndHTTPRoutesMustBeAccepted, httpRouteMustHaveCondition } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 30,
  manifests: ['httproute-partially-invalid-via-invalid-reference-grant.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('HTTPRoutePartiallyInvalidViaInvalidReferenceGrant', async (t) => {
  const route = { namespace: ns, name: 'invalid-reference-grant' };
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

  await t.test(
    'HTTP Request to invalid backend with missing referenceGrant should receive a 500',
    async () => {
      await suite.expectEventuallyConsistentResponse(gwAddr, {
        request: { method: 'GET', path: '/v2' },
        response: { statusCode: 500 },
      });
    },
  );

  await t.test('HTTP Request to valid sibling backend should succeed', async () => {
    await suite.expectEventuallyConsistentResponse(gwAddr, {
      request: { method: 'GET', path: '/' },
      response: { statusCode: 200 },
      backend: 'app-backend-v1',
      namespace: appBackendNamespace,
    });
  });
});
