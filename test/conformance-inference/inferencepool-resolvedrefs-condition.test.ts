// Inference conformance InferencePoolResolvedRefsCondition (upstream inferencepool_resolvedrefs_condition.go): a
// pool used by routes on two Gateways reports a parent status for each; deleting one route removes that
// Gateway's parent and route, deleting the other leaves the pool with no parents and no route.

import { after, before, test } from 'node:test';
import {
  getGatewayEndpoint,
  httpRouteMustBeAcceptedAndResolved,
  inferencePoolMustBeAcceptedByParent,
  inferencePoolMustHaveNoParents,
} from './harness/inference-status.ts';
import {
  appBackendNamespace as ns,
  primaryGateway,
  primaryModelServerDeployment,
  primaryPool,
  secondaryGateway,
} from './harness/resources.ts';
import { InferenceConformanceSuite } from './harness.ts';

const suite = new InferenceConformanceSuite({
  block: 224,
  manifests: ['inferencepool-resolvedrefs-condition.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('InferencePoolResolvedRefsCondition', async (t) => {
  const primaryRoute = { namespace: ns, name: 'httproute-for-primary-gw' };
  const secondaryRoute = { namespace: ns, name: 'httproute-for-secondary-gw' };
  const primaryRequest = { host: 'primary.example.com', path: '/primary-gateway-test' };
  const secondaryRequest = { host: 'secondary.example.com', path: '/secondary-gateway-test' };
  // Both routes send to the primary pool.
  const servedByPrimaryPool = {
    response: { statusCodes: [200] },
    backend: primaryModelServerDeployment,
    namespace: ns,
  };
  const notFound = { response: { statusCodes: [404] } };

  await httpRouteMustBeAcceptedAndResolved(suite, primaryRoute, primaryGateway);
  await httpRouteMustBeAcceptedAndResolved(suite, secondaryRoute, secondaryGateway);
  const gwPrimaryAddr = await getGatewayEndpoint(suite, primaryGateway);
  const gwSecondaryAddr = await getGatewayEndpoint(suite, secondaryGateway);

  await t.test(
    'InferencePool should show Accepted:True by parents and be routable via multiple HTTPRoutes',
    async () => {
      await inferencePoolMustBeAcceptedByParent(suite, primaryPool, primaryGateway);
      await inferencePoolMustBeAcceptedByParent(suite, primaryPool, secondaryGateway);
      await suite.expectEventuallyConsistentResponse(gwPrimaryAddr, {
        request: primaryRequest,
        ...servedByPrimaryPool,
      });
      await suite.expectEventuallyConsistentResponse(gwSecondaryAddr, {
        request: secondaryRequest,
        ...servedByPrimaryPool,
      });
    },
  );

  await t.test(
    'Delete httproute-for-primary-gw and verify InferencePool status and routing via secondary gw',
    async () => {
      await suite.delete('HTTPRoute', primaryRoute);
      await inferencePoolMustBeAcceptedByParent(suite, primaryPool, secondaryGateway);
      await suite.expectEventuallyConsistentResponse(gwSecondaryAddr, {
        request: secondaryRequest,
        ...servedByPrimaryPool,
      });
      await suite.expectEventuallyConsistentResponse(gwPrimaryAddr, { request: primaryRequest, ...notFound });
    },
  );

  await t.test(
    'Delete httproute-for-secondary-gw and verify InferencePool has no parent statuses and is not routable',
    async () => {
      await suite.delete('HTTPRoute', secondaryRoute);
      await inferencePoolMustHaveNoParents(suite, primaryPool);
      await suite.expectEventuallyConsistentResponse(gwSecondaryAddr, {
        request: secondaryRequest,
        ...notFound,
      });
    },
  );
});
