// Conformance GatewayModifyListeners (upstream gateway-modify-listeners.go): listeners added to or
// removed from a live Gateway show up in its status, with routes re-counted and generation bumped.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { infraNamespace } from './harness/fixtures.ts';
import { gatewayListeners } from './harness/manifest-store.ts';
import {
  type ExpectedListener,
  gatewayMustHaveLatestConditions,
  gatewayStatusMustHaveListeners,
  generationOf,
  namespacesMustBeReady,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 6, manifests: ['gateway-modify-listeners.yaml'] });
before(() => suite.start());
after(() => suite.stop());

function healthyListener(name: string): ExpectedListener {
  return {
    name,
    supportedKinds: [{ kind: 'HTTPRoute' }],
    conditions: [
      { type: 'Accepted', status: 'True' },
      { type: 'ResolvedRefs', status: 'True' },
    ],
    attachedRoutes: 1,
  };
}

test('GatewayModifyListeners', async (t) => {
  await t.test(
    'should be able to add a listener that then becomes available for routing traffic',
    async () => {
      const gateway = { namespace: infraNamespace, name: 'gateway-add-listener' };
      await namespacesMustBeReady(suite, [infraNamespace]);
      await gatewayMustHaveLatestConditions(suite, gateway);
      const original = await generationOf(suite, 'Gateway', gateway);

      await suite.patch('Gateway', gateway, (object) => {
        gatewayListeners(object).push({
          name: 'http',
          port: 80,
          protocol: 'HTTP',
          hostname: 'data.test.com',
          allowedRoutes: { namespaces: { from: 'All' } },
        });
      });

      await namespacesMustBeReady(suite, [infraNamespace]);
      await gatewayStatusMustHaveListeners(suite, gateway, [
        healthyListener('https'),
        healthyListener('http'),
      ]);
      await gatewayMustHaveLatestConditions(suite, gateway);
      assert.notEqual(
        await generationOf(suite, 'Gateway', gateway),
        original,
        'generation should change after an update',
      );
    },
  );

  await t.test(
    'should be able to remove listeners, which would then stop routing the relevant traffic',
    async () => {
      const gateway = { namespace: infraNamespace, name: 'gateway-remove-listener' };
      await namespacesMustBeReady(suite, [infraNamespace]);
      await gatewayMustHaveLatestConditions(suite, gateway);
      const original = await generationOf(suite, 'Gateway', gateway);

      await suite.patch('Gateway', gateway, (object) => {
        const listeners = gatewayListeners(object);
        assert.equal(listeners.length, 2, 'the gateway must have 2 listeners');
        const kept = listeners.filter((listener) => listener.name === 'http');
        listeners.splice(0, listeners.length, ...kept);
      });

      await namespacesMustBeReady(suite, [infraNamespace]);
      await gatewayStatusMustHaveListeners(suite, gateway, [healthyListener('http')]);
      await gatewayMustHaveLatestConditions(suite, gateway);
      assert.notEqual(
        await generationOf(suite, 'Gateway', gateway),
        original,
        'generation should change after an update',
      );
    },
  );
});
