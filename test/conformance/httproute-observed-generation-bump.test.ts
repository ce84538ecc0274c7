// Conformance HTTPRouteObservedGenerationBump (upstream httproute-observed-generation-bump.go): after
// a spec change, every parent condition of the route reports the new generation.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  generationOf,
  httpRouteMustHaveCondition,
  httpRouteMustHaveLatestConditions,
  httpRouteMustHaveResolvedRefsConditionsTrue,
  namespacesMustBeReady,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 29, manifests: ['httproute-observed-generation-bump.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteObservedGenerationBump', async (t) => {
  const route = { namespace: ns, name: 'observed-generation-bump' };
  const gateway = { namespace: ns, name: 'same-namespace' };

  await t.test('observedGeneration should increment', async () => {
    await namespacesMustBeReady(suite, [ns]);
    const original = await generationOf(suite, 'HTTPRoute', route);
    await httpRouteMustHaveLatestConditions(suite, route);

    await suite.patch('HTTPRoute', route, (object) => {
      const spec = object.spec as { rules: { backendRefs: { name: string }[] }[] };
      spec.rules[0].backendRefs[0].name = 'infra-backend-v2';
    });

    await httpRouteMustHaveCondition(suite, route, gateway, { type: 'Accepted', status: 'True' });
    await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);
    await httpRouteMustHaveLatestConditions(suite, route);
    assert.notEqual(
      await generationOf(suite, 'HTTPRoute', route),
      original,
      'generation should change after an update',
    );
  });
});
