// Inference conformance HTTPRouteMultipleRulesDifferentPools (upstream
// inferencepool_multiple_rules_different_pools.go): one route with a rule per InferencePool sends each path to
// its own pool.

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
  secondaryModelServerApp,
  secondaryPool,
} from './harness/resources.ts';
import { InferenceConformanceSuite } from './harness.ts';

const suite = new InferenceConformanceSuite({
  block: 223,
  manifests: ['inferencepool-multiple-rules-different-pools.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteMultipleRulesDifferentPools', async (t) => {
  const route = { namespace: ns, name: 'httproute-multiple-rules-different-pools' };

  await t.test('Wait for resources to be accepted', async () => {
    await httpRouteAndInferencePoolMustBeAcceptedAndRouteAccepted(suite, route, primaryGateway, primaryPool);
    await httpRouteAndInferencePoolMustBeAcceptedAndRouteAccepted(
      suite,
      route,
      primaryGateway,
      secondaryPool,
    );
  });

  await t.test('Traffic should be routed to the correct pool based on path', async (t) => {
    const gwAddr = await getGatewayEndpoint(suite, primaryGateway);
    await t.test('request to primary pool', () =>
      suite.expectEventuallyConsistentResponse(gwAddr, {
        request: { path: '/primary' },
        backend: primaryModelServerApp,
        namespace: ns,
      }),
    );
    await t.test('request to secondary pool', () =>
      suite.expectEventuallyConsistentResponse(gwAddr, {
        request: { path: '/secondary' },
        backend: secondaryModelServerApp,
        namespace: ns,
      }),
    );
  });
});
