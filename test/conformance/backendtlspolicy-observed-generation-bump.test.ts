// Conformance BackendTLSPolicyObservedGenerationBump (upstream
// backendtlspolicy-observed-generation-bump.go): after the policy's hostname is edited, every ancestor
// condition reports the new generation.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  backendTlsPolicyMustHaveCondition,
  backendTlsPolicyMustHaveLatestConditions,
} from './harness/policy-status.ts';
import { namespacesMustBeReady } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 155,
  manifests: ['backendtlspolicy-observed-generation-bump.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('BackendTLSPolicyObservedGenerationBump', async (t) => {
  const policy = { namespace: ns, name: 'observed-generation-bump' };
  const gateway = { namespace: ns, name: 'same-namespace' };

  await t.test('observedGeneration should increment', async () => {
    await namespacesMustBeReady(suite, [ns]);
    const original = await backendTlsPolicyMustHaveLatestConditions(suite, policy);

    await suite.patch('BackendTLSPolicy', policy, (object) => {
      (object.spec as { validation: { hostname: string } }).validation.hostname = 'foo.example.com';
    });
    await backendTlsPolicyMustHaveCondition(suite, policy, gateway, { type: 'Accepted', status: 'True' });

    const updated = await backendTlsPolicyMustHaveLatestConditions(suite, policy);
    assert.notEqual(updated, original, 'generation should change after an update');
  });
});
