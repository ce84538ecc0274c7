// Conformance HTTPRouteReferenceGrant (upstream httproute-reference-grant.go): a ReferenceGrant lets a
// route use a Service in another namespace, and deleting the grant revokes it (500).

import { after, before, test } from 'node:test';
import { infraNamespace as ns, webBackendNamespace } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 33, manifests: ['httproute-reference-grant.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteReferenceGrant', async (t) => {
  const route = { namespace: ns, name: 'reference-grant' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await t.test('Simple HTTP request should reach web-backend', async () => {
    await suite.expectEventuallyConsistentResponse(gwAddr, {
      request: { method: 'GET', path: '/' },
      response: { statusCode: 200 },
      backend: 'web-backend',
      namespace: webBackendNamespace,
    });
  });

  await suite.delete('ReferenceGrant', { namespace: webBackendNamespace, name: 'reference-grant' });

  await t.test(
    'Simple HTTP request should return 500 after deleting the relevant reference grant',
    async () => {
      await suite.expectEventuallyConsistentResponse(gwAddr, {
        request: { method: 'GET', path: '/' },
        response: { statusCode: 500 },
      });
    },
  );
});
