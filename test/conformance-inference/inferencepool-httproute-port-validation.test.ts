// Inference conformance InferencePoolHTTPRoutePortValidation (upstream inferencepool_httproute_port_validation.go):
// the port of a backendRef to an InferencePool is ignored — unspecified, matching the pool's target port, or
// not matching it, the route is accepted and serves from the pool.

import { after, before, test } from 'node:test';
import {
  getGatewayEndpoint,
  httpRouteMustBeAcceptedAndResolved,
  inferencePoolMustBeAcceptedByParent,
} from './harness/inference-status.ts';
import {
  appBackendNamespace as ns,
  primaryGateway,
  primaryModelServerDeployment,
  primaryPool,
} from './harness/resources.ts';
import { InferenceConformanceSuite } from './harness.ts';

const suite = new InferenceConformanceSuite({
  block: 220,
  manifests: ['inferencepool-httproute-port-validation.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('InferencePoolHTTPRoutePortValidation', async (t) => {
  const gwAddr = await getGatewayEndpoint(suite, primaryGateway);
  const scenarios = [
    {
      name: 'Scenario 1: HTTPRoute backendRef to InferencePool with Port Unspecified',
      route: 'httproute-pool-port-unspecified',
      host: 'port-unspecified.example.com',
      path: '/test-port-unspecified',
    },
    {
      name: 'Scenario 2: HTTPRoute backendRef to InferencePool with Port Specified and Matching',
      route: 'httproute-pool-port-matching',
      host: 'port-matching.example.com',
      path: '/test-port-matching',
    },
    {
      name: 'Scenario 3: HTTPRoute backendRef to InferencePool with Port Specified and Non-Matching. Request still passing because HTTP Port is ignored when inferencePool is backendRef',
      route: 'httproute-pool-port-non-matching',
      host: 'port-non-matching.example.com',
      path: '/test-port-non-matching',
    },
  ];
  for (const { name, route, host, path } of scenarios) {
    await t.test(name, async () => {
      await httpRouteMustBeAcceptedAndResolved(suite, { namespace: ns, name: route }, primaryGateway);
      await inferencePoolMustBeAcceptedByParent(suite, primaryPool, primaryGateway);
      await suite.expectEventuallyConsistentResponse(gwAddr, {
        request: { host, path },
        response: { statusCodes: [200] },
        backend: primaryModelServerDeployment,
        namespace: ns,
      });
    });
  }
});
