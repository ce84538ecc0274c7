// Conformance GatewayClassObservedGenerationBump (upstream gatewayclass-observed-generation-bump.go):
// after a spec change, every GatewayClass condition reports the new generation.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  gatewayClassMustHaveLatestConditions,
  generationOf,
  gwcMustHaveAcceptedConditionAny,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 1, manifests: ['gatewayclass-observed-generation-bump.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('GatewayClassObservedGenerationBump', async (t) => {
  const gwc = { namespace: '', name: 'gatewayclass-observed-generation-bump' };

  await t.test('observedGeneration should increment', async () => {
    await gwcMustHaveAcceptedConditionAny(suite, gwc.name);
    const original = await generationOf(suite, 'GatewayClass', gwc);
    await gatewayClassMustHaveLatestConditions(suite, gwc.name);

    await suite.patch('GatewayClass', gwc, (object) => {
      Object.assign(object.spec as object, { description: 'new' });
    });

    await gwcMustHaveAcceptedConditionAny(suite, gwc.name);
    await gatewayClassMustHaveLatestConditions(suite, gwc.name);
    assert.notEqual(
      await generationOf(suite, 'GatewayClass', gwc),
      original,
      'generation should change after an update',
    );
  });
});
