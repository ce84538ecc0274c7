// Conformance GatewayObservedGenerationBump (upstream gateway-observed-generation-bump.go): after a
// listener is added, every Gateway condition reports the new generation.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { infraNamespace } from './harness/fixtures.ts';
import { gatewayListeners } from './harness/manifest-store.ts';
import { gatewayMustHaveLatestConditions, generationOf, namespacesMustBeReady } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 7, manifests: ['gateway-observed-generation-bump.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('GatewayObservedGenerationBump', async (t) => {
  const gateway = { namespace: infraNamespace, name: 'gateway-observed-generation-bump' };

  await t.test('observedGeneration should increment', async () => {
    await namespacesMustBeReady(suite, [infraNamespace]);
    await gatewayMustHaveLatestConditions(suite, gateway);
    const original = await generationOf(suite, 'Gateway', gateway);

    await suite.patch('Gateway', gateway, (object) => {
      gatewayListeners(object).push({
        name: 'alternate',
        hostname: 'foo.com',
        port: 80,
        protocol: 'HTTP',
        allowedRoutes: { namespaces: { from: 'All' } },
      });
    });

    await namespacesMustBeReady(suite, [infraNamespace]);
    await gatewayMustHaveLatestConditions(suite, gateway);
    assert.notEqual(
      await generationOf(suite, 'Gateway', gateway),
      original,
      'generation should change after an update',
    );
  });
});
