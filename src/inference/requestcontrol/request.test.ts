import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { objectivePriority, schedulingRequest } from './request.ts';

describe('scheduling requests', () => {
  it('fills ids, target model, fairness id and estimates from headers and defaults', () => {
    const request = schedulingRequest({
      model: 'llama',
      prompt: 'x'.repeat(40),
      maxTokens: 20,
      headers: { 'x-request-id': 'r1', 'x-gateway-inference-fairness-id': 'tenant-a', 'x-other': ['a', 'b'] },
    });
    assert.equal(request.id, 'r1');
    assert.equal(request.targetModel, 'llama');
    assert.equal(request.fairnessId, 'tenant-a');
    assert.equal(request.estimatedTokens, 30);
    assert.equal(request.headers['x-other'], 'a');
    const bare = schedulingRequest({
      model: 'm',
      prompt: 'p',
      headers: { 'x-gateway-model-name-rewrite': 'lora-a' },
    });
    assert.equal(bare.fairnessId, 'default-flow');
    assert.equal(bare.targetModel, 'lora-a');
    assert.equal(bare.priority, 0);
    assert.match(bare.id, /^[0-9a-f-]{36}$/);
  });

  it('takes the priority of the named InferenceObjective; none or unknown is 0', () => {
    const objectives = new Map([
      ['critical', 100],
      ['batch', -1],
    ]);
    assert.equal(objectivePriority({ 'x-gateway-inference-objective': 'batch' }, objectives), -1);
    assert.equal(objectivePriority({ 'x-gateway-inference-objective': 'unknown' }, objectives), 0);
    assert.equal(objectivePriority({}, objectives), 0);
  });
});
