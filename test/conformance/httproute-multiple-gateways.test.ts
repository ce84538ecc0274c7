// Conformance HTTPRouteMultipleGateways (upstream httproute-multiple-gateways.go): a route attached to
// two Gateways serves on both, while each Gateway's own route stays on that Gateway.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { gatewayAndHTTPRoutesMustBeAccepted } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 27, manifests: ['httproute-multiple-gateways.yaml'] });
before(() => suite.start());
after(() => suite.stop());

const sharedRoute = { namespace: ns, name: 'multiple-gateways-shared-route' };

test('HTTPRouteMultipleGateways', { concurrency: true }, async (t) => {
  const checkGateway = async (gatewayName: string, dedicatedRoute: string, dedicatedBackend: string) => {
    const gateway = { namespace: ns, name: gatewayName };
    const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [
      sharedRoute,
      { namespace: ns, name: dedicatedRoute },
    ]);
    await t.test(`Gateway ${gatewayName}: shared route is accessible and routed to infra-backend-v1`, () =>
      suite.expectEventuallyConsistentResponse(gwAddr, {
        request: { path: '/shared' },
        response: { statusCode: 200 },
        backend: 'infra-backend-v1',
        namespace: ns,
      }),
    );
    await t.test(
      `Gateway ${gatewayName}: dedicated route is accessible and routed to ${dedicatedBackend}`,
      () =>
        suite.expectEventuallyConsistentResponse(gwAddr, {
          request: { path: '/' },
          response: { statusCode: 200 },
          backend: dedicatedBackend,
          namespace: ns,
        }),
    );
  };
  await Promise.all([
    checkGateway('same-namespace', 'same-namespace-dedicated-route', 'infra-backend-v2'),
    checkGateway('all-namespaces', 'all-namespaces-dedicated-route', 'infra-backend-v3'),
  ]);
});
