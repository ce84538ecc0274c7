// Inference conformance InferencePoolAccepted (upstream inferencepool_accepted.go): a pool a route uses
// reports Accepted=True for the route's Gateway.

import { after, before, test } from 'node:test';
import { inferencePoolMustHaveCondition } from './harness/inference-status.ts';
import { primaryGateway, primaryPool } from './harness/resources.ts';
import { InferenceConformanceSuite } from './harness.ts';

const suite = new InferenceConformanceSuite({ block: 218, manifests: ['inferencepool-accepted.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('InferencePoolAccepted', async (t) => {
  await t.test('InferencePool should have Accepted condition set to True', () =>
    // Upstream does not check the reason in this basic test.
    inferencePoolMustHaveCondition(suite, primaryPool, primaryGateway, { type: 'Accepted', status: 'True' }),
  );
});
