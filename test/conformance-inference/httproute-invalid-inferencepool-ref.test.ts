// Inference conformance HTTPRouteInvalidInferencePoolRef (upstream httproute_invalid_inferencepool_ref.go): a
// route whose backendRef names an InferencePool that does not exist is Accepted, with ResolvedRefs False
// (BackendNotFound).

import { after, before, test } from 'node:test';
import { httpRouteMustHaveCondition } from '../conformance/harness/status.ts';
import { httpRouteMustBeAccepted } from './harness/inference-status.ts';
import { appBackendNamespace as ns, primaryGateway } from './harness/resources.ts';
import { InferenceConformanceSuite } from './harness.ts';

const suite = new InferenceConformanceSuite({
  block: 216,
  manifests: ['httproute-invalid-inferencepool-ref.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteInvalidInferencePoolRef', async (t) => {
  const route = { namespace: ns, name: 'httproute-to-non-existent-pool' };
  await t.test(
    'HTTPRoute should have Accepted=True and ResolvedRefs=False for non-existent InferencePool',
    async () => {
      await httpRouteMustBeAccepted(suite, route, primaryGateway);
      await httpRouteMustHaveCondition(suite, route, primaryGateway, {
        type: 'ResolvedRefs',
        status: 'False',
        reason: 'BackendNotFound',
      });
    },
  );
});
