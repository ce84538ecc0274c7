// Inference conformance HTTPRouteMultipleGatewaysDifferentPools (upstream
// httproute_multiple_gateways_different_pools.go): two routes on two Gateways, each to its own InferencePool,
// are accepted and each Gateway serves from its pool.

import { after, before, test } from 'node:test';
import {
  getGatewayEndpoint,
  httpRouteAndInferencePoolMustBeAcceptedAndRouteAccepted,
} from './harness/inference-status.ts';
import {
  appBackendNamespace as ns,
  primaryGateway,
  primaryModelServerApp,
  primaryPool,
  secondaryGateway,
  secondaryModelServerApp,
  secondaryPool,
} from './harness/resources.ts';
import { InferenceConformanceSuite } from './harness.ts';

const suite = new InferenceConformanceSuite({
  block: 217,
  manifests: ['httproute-multiple-gateways-different-pools.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteMultipleGatewaysDifferentPools', async (t) => {
  const cases = [
    {
      name: 'Primary HTTPRoute, InferencePool, and Gateway path: verify status and traffic',
      route: { namespace: ns, name: 'route-for-primary-gateway' },
      gateway: primaryGateway,
      pool: primaryPool,
      host: 'primary.example.com',
      path: '/test-primary-gateway',
      backend: primaryModelServerApp,
    },
    {
      name: 'Secondary HTTPRoute, InferencePool, and Gateway path: verify status and traffic',
      route: { namespace: ns, name: 'route-for-secondary-gateway' },
      gateway: secondaryGateway,
      pool: secondaryPool,
      host: 'secondary.example.com',
      path: '/test-secondary-gateway',
      backend: secondaryModelServerApp,
    },
  ];
  for (const { name, route, gateway, pool, host, path, backend } of cases) {
    await t.test(name, async () => {
      await httpRouteAndInferencePoolMustBeAcceptedAndRouteAccepted(suite, route, gateway, pool);
      const gwAddr = await getGatewayEndpoint(suite, gateway);
      await suite.expectEventuallyConsistentResponse(gwAddr, {
        request: { host, path },
        response: { statusCodes: [200] },
        backend,
        namespace: ns,
      });
    });
  }
});
