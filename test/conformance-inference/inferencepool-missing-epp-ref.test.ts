// Inference conformance InferencePoolMissingEPPRef (upstream inferencepool_missing_epp_ref.go): a route to a pool
// without an endpointPickerRef is Accepted, and the pool is either Accepted or refused with
// EndpointPickerRefMissing. Sluice accepts it: its in-process picker serves every pool.

import { after, before, test } from 'node:test';
import { httpRouteMustBeAccepted, inferencePoolMustHaveOneOfConditions } from './harness/inference-status.ts';
import { appBackendNamespace as ns, primaryGateway } from './harness/resources.ts';
import { InferenceConformanceSuite } from './harness.ts';

const suite = new InferenceConformanceSuite({
  block: 222,
  manifests: ['inferencepool-missing-epp-ref.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('InferencePoolMissingEPPRef', async (t) => {
  const route = { namespace: ns, name: 'httproute-for-missing-epp-ref-pool' };
  const pool = { namespace: ns, name: 'pool-with-missing-epp-ref' };
  await httpRouteMustBeAccepted(suite, route, primaryGateway);
  await t.test(
    'InferencePool has Accepted condition with status True or reason EndpointPickerRefMissing',
    () =>
      inferencePoolMustHaveOneOfConditions(suite, pool, primaryGateway, [
        { type: 'Accepted', status: 'True' },
        { type: 'Accepted', status: 'False', reason: 'EndpointPickerRefMissing' },
      ]),
  );
});
