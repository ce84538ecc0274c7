// Inference conformance InferencePoolInvalidEPPService (upstream inferencepool_invalid_epp_service.go): a route
// to a pool whose endpointPickerRef names a Service that does not exist is Accepted, the pool reports
// ResolvedRefs False, and requests fail with a 5xx.
//
// The last part cannot apply yet: Sluice picks endpoints in-process for every pool and does not call the
// picker an endpointPickerRef names (external pickers are a later issue), so a missing picker Service does
// not fail requests. The pool's ResolvedRefs False is Sluice reporting that the reference is not used.

import { after, before, test } from 'node:test';
import {
  getGatewayEndpoint,
  httpRouteMustBeAccepted,
  inferencePoolMustHaveCondition,
} from './harness/inference-status.ts';
import { appBackendNamespace as ns, primaryGateway } from './harness/resources.ts';
import { InferenceConformanceSuite } from './harness.ts';

const suite = new InferenceConformanceSuite({
  block: 221,
  manifests: ['inferencepool-invalid-epp-service.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('InferencePoolInvalidEPPService', async (t) => {
  const route = { namespace: ns, name: 'httproute-for-invalid-epp-pool' };
  const pool = { namespace: ns, name: 'pool-with-invalid-epp' };
  const gwAddr = await getGatewayEndpoint(suite, primaryGateway);
  await httpRouteMustBeAccepted(suite, route, primaryGateway);

  await t.test('InferencePool has a ResolvedRefs Condition with status False', () =>
    inferencePoolMustHaveCondition(suite, pool, primaryGateway, { type: 'ResolvedRefs', status: 'False' }),
  );

  await t.test(
    'Request to a route with an invalid backend reference receives a 500 response',
    { skip: 'Sluice does not call external endpoint pickers yet; its in-process picker serves the pool' },
    () =>
      suite.expectEventuallyConsistentResponse(gwAddr, {
        request: { path: '/invalid-epp-test' },
        response: { statusCodes: [500, 501, 502, 503, 504] },
        namespace: ns,
      }),
  );
});
