import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InferenceModelRewrite } from '../inference-api.ts';
import { admissionCases, admitted } from '../testing.ts';

function rewrite(spec: unknown, apiVersion = 'llm-d.ai/v1alpha2') {
  return { apiVersion, kind: 'InferenceModelRewrite', metadata: { name: 'canary' }, spec };
}

const poolRef = { name: 'qwen' };
const exact = (value: string) => ({ model: { value } });

function withRules(rules: unknown[]) {
  return rewrite({ poolRef, rules });
}

test('InferenceModelRewrite defaults: match type Exact, poolRef to an InferencePool; weights have none', () => {
  const object = admitted<InferenceModelRewrite>({
    ...withRules([
      {
        matches: [exact('chat')],
        targets: [
          { modelRewrite: 'chat-v1', weight: 90 },
          { modelRewrite: 'chat-v2', weight: 10 },
        ],
      },
      { targets: [{ modelRewrite: 'base' }] },
    ]),
    status: { conditions: [] },
  });
  assert.equal(object.apiVersion, 'llm-d.ai/v1alpha2');
  assert.deepEqual(object.spec, {
    poolRef: { name: 'qwen', group: 'inference.networking.k8s.io', kind: 'InferencePool' },
    rules: [
      {
        matches: [{ model: { value: 'chat', type: 'Exact' } }],
        targets: [
          { modelRewrite: 'chat-v1', weight: 90 },
          { modelRewrite: 'chat-v2', weight: 10 },
        ],
      },
      { targets: [{ modelRewrite: 'base' }] },
    ],
  });
  assert.equal('status' in object, false);
});

admissionCases('InferenceModelRewrite', [
  {
    name: 'an alias: several models to one target, and an explicit type',
    manifest: withRules([
      {
        matches: [exact('a'), { model: { type: 'Exact', value: 'b' } }],
        targets: [{ modelRewrite: 'meta-llama/Llama-3.1-8B-Instruct' }],
      },
    ]),
  },
  {
    name: 'an empty rule list is allowed (it rewrites nothing)',
    manifest: withRules([]),
  },
  {
    name: 'the former GIE group is a warning',
    manifest: rewrite({ poolRef, rules: [] }, 'inference.networking.x-k8s.io/v1alpha2'),
    problems: ['warning apiVersion: InferenceModelRewrite left the Inference Extension after v1.5'],
  },
  {
    name: 'without spec (the CRD allows it) it is a warning',
    manifest: { apiVersion: 'llm-d.ai/v1alpha2', kind: 'InferenceModelRewrite', metadata: { name: 'a' } },
    problems: ['warning spec: without spec, this InferenceModelRewrite names no InferencePool'],
  },
  {
    name: 'poolRef and rules are required',
    manifest: rewrite({}),
    problems: ['spec.poolRef: required field is missing', 'spec.rules: required field is missing'],
  },
  {
    name: 'a match needs a model with a non-empty value',
    manifest: withRules([{ matches: [{}, { model: {} }, exact('')], targets: [{ modelRewrite: 'a' }] }]),
    problems: [
      'spec.rules[0].matches[0].model: required field is missing',
      'spec.rules[0].matches[1].model.value: required field is missing',
      'spec.rules[0].matches[2].model.value: must not be empty',
    ],
  },
  {
    name: 'Exact is the only match type',
    manifest: withRules([
      { matches: [{ model: { type: 'Prefix', value: 'a' } }], targets: [{ modelRewrite: 'b' }] },
    ]),
    problems: ['spec.rules[0].matches[0].model.type: unsupported value "Prefix"; must be one of: "Exact"'],
  },
  {
    name: 'targets, when written, are at least one; each names its model',
    manifest: withRules([{ targets: [] }, { targets: [{ weight: 1 }] }]),
    problems: [
      'spec.rules[0].targets: must have at least 1 item',
      'spec.rules[1].targets[0].modelRewrite: required field is missing',
    ],
  },
  {
    name: 'weights are 1–1000000',
    manifest: withRules([
      {
        targets: [
          { modelRewrite: 'a', weight: 0 },
          { modelRewrite: 'b', weight: 1_000_001 },
        ],
      },
    ]),
    problems: [
      'spec.rules[0].targets[0].weight: must be between 1 and 1000000, not 0',
      'spec.rules[0].targets[1].weight: must be between 1 and 1000000, not 1000001',
    ],
  },
  {
    name: 'a rule without targets is a warning',
    manifest: withRules([{ matches: [exact('a')] }]),
    problems: [
      'warning spec.rules[0].targets: a rule without targets has no model to rewrite to; llm-d-router answers the requests it matches with 400',
    ],
  },
  {
    name: 'weights on some targets only is a warning',
    manifest: withRules([{ targets: [{ modelRewrite: 'a', weight: 50 }, { modelRewrite: 'b' }] }]),
    problems: [
      'warning spec.rules[0].targets: set weight on every target or on none: targets without a weight are never chosen',
    ],
  },
  {
    name: 'an empty target model is a warning (the CRD allows it)',
    manifest: withRules([{ targets: [{ modelRewrite: '' }] }]),
    problems: [
      'warning spec.rules[0].targets[0].modelRewrite: is empty, so there is no model to send the request to',
    ],
  },
  {
    name: 'a model matched by an earlier rule is a warning on the later match',
    manifest: withRules([
      { matches: [exact('a'), exact('a')], targets: [{ modelRewrite: 'x' }] },
      { matches: [exact('b'), exact('a')], targets: [{ modelRewrite: 'y' }] },
    ]),
    problems: [
      'warning spec.rules[1].matches[1].model.value: model "a" is already matched by rules[0], which wins; this match is never used',
    ],
  },
  {
    name: 'a second catch-all rule is a warning (empty or absent matches)',
    manifest: withRules([
      { matches: [], targets: [{ modelRewrite: 'x' }] },
      { matches: [exact('a')], targets: [{ modelRewrite: 'y' }] },
      { targets: [{ modelRewrite: 'z' }] },
    ]),
    problems: ['warning spec.rules[2]: rules[0] already matches every request, so this rule is never used'],
  },
]);
