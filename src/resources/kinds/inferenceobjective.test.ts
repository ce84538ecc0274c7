import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InferenceObjective } from '../inference-api.ts';
import { admissionCases, admitted } from '../testing.ts';

function objective(spec: unknown, apiVersion = 'llm-d.ai/v1alpha2') {
  return { apiVersion, kind: 'InferenceObjective', metadata: { name: 'batch' }, spec };
}

const poolRef = { name: 'qwen' };

test('InferenceObjective defaults: poolRef to an InferencePool; priority has no default; status dropped', () => {
  const object = admitted<InferenceObjective>({ ...objective({ poolRef }), status: { conditions: [] } });
  assert.equal(object.apiVersion, 'llm-d.ai/v1alpha2');
  assert.deepEqual(object.spec, {
    poolRef: { name: 'qwen', group: 'inference.networking.k8s.io', kind: 'InferencePool' },
  });
  assert.equal('status' in object, false);
});

test('InferenceObjective of the former GIE group is read as llm-d.ai/v1alpha2', () => {
  const object = admitted<InferenceObjective>(
    objective({ priority: 2, poolRef }, 'inference.networking.x-k8s.io/v1alpha2'),
  );
  assert.equal(object.apiVersion, 'llm-d.ai/v1alpha2');
  assert.equal(object.spec?.priority, 2);
});

admissionCases('InferenceObjective', [
  { name: 'a negative priority (sheddable)', manifest: objective({ priority: -1, poolRef }) },
  {
    name: 'the former GIE group is a warning',
    manifest: objective({ priority: 10, poolRef }, 'inference.networking.x-k8s.io/v1alpha2'),
    problems: [
      'warning apiVersion: InferenceObjective left the Inference Extension after v1.5 and is now served by llm-d-router as "llm-d.ai/v1alpha2" (same schema); the object is read as that',
    ],
  },
  {
    name: 'versions that are not served, in either group',
    manifest: objective({ poolRef }, 'inference.networking.x-k8s.io/v1alpha1'),
    problems: [
      'apiVersion: InferenceObjective is served as "llm-d.ai/v1alpha2" or "inference.networking.x-k8s.io/v1alpha2", not "inference.networking.x-k8s.io/v1alpha1"',
    ],
  },
  {
    name: 'the stable group does not serve it',
    manifest: objective({ poolRef }, 'inference.networking.k8s.io/v1'),
    problems: ['warning : kind InferenceObjective of "inference.networking.k8s.io/v1" is not supported'],
  },
  {
    name: 'without spec (the CRD allows it) it is a warning',
    manifest: { apiVersion: 'llm-d.ai/v1alpha2', kind: 'InferenceObjective', metadata: { name: 'a' } },
    problems: [
      'warning spec: without spec, this InferenceObjective names no InferencePool and has no effect',
    ],
  },
  {
    name: 'poolRef is required, with a name',
    manifest: objective({ priority: 1 }),
    problems: ['spec.poolRef: required field is missing'],
  },
  {
    name: 'poolRef name, group and kind formats',
    manifest: objective({ poolRef: { name: '', group: 'a_b', kind: '1Pool' } }),
    problems: [
      'spec.poolRef.name: must not be empty',
      'spec.poolRef.group: invalid value "a_b"',
      'spec.poolRef.kind: invalid value "1Pool"',
    ],
  },
  {
    name: 'priority is a 32-bit integer',
    manifest: objective({ priority: 2 ** 31, poolRef }),
    problems: ['spec.priority: must be between -2147483648 and 2147483647, not 2147483648'],
  },
  {
    name: 'priority is an integer, not a name',
    manifest: objective({ priority: 'Critical', poolRef }),
    problems: ['spec.priority: must be an integer, not the string "Critical"'],
  },
  {
    name: 'criticality and targetModels of the retired InferenceModel are unknown fields',
    manifest: objective({ poolRef, criticality: 'Critical', targetModels: [] }),
    problems: [
      'warning spec.criticality: unknown field; it is ignored',
      'warning spec.targetModels: unknown field; it is ignored',
    ],
  },
  {
    name: 'the retired InferenceModel kind says what replaced it',
    manifest: {
      apiVersion: 'inference.networking.x-k8s.io/v1alpha2',
      kind: 'InferenceModel',
      metadata: { name: 'a' },
      spec: { modelName: 'a', poolRef },
    },
    problems: [
      'warning : kind InferenceModel of "inference.networking.x-k8s.io/v1alpha2": InferenceModel was removed from the Inference Extension in v1.0; use an InferenceObjective',
    ],
  },
]);
