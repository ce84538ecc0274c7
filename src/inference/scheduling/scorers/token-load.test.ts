import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configProblem, testEndpoint, testPlugin, testRequest } from '../../testkit.ts';
import { isScorer } from '../types.ts';
import { defaultQueueThresholdTokens } from './token-load.ts';

function scores(inFlightTokens: number[], parameters?: Record<string, unknown>): number[] {
  const plugin = testPlugin('token-load-scorer', parameters);
  assert.ok(isScorer(plugin));
  const endpoints = inFlightTokens.map((tokens, index) => {
    const endpoint = testEndpoint(index + 1);
    endpoint.inFlight.tokens = tokens;
    return endpoint;
  });
  return plugin.score(testRequest(), endpoints, new Map());
}

describe('token-load-scorer', () => {
  const cases: {
    name: string;
    tokens: number[];
    parameters?: Record<string, unknown>;
    expected: number[];
  }[] = [
    { name: 'idle endpoints score 1', tokens: [0, 0], expected: [1, 1] },
    {
      name: 'the default threshold is 4,194,304 tokens',
      tokens: [defaultQueueThresholdTokens / 4, defaultQueueThresholdTokens],
      expected: [0.75, 0],
    },
    {
      name: 'linear below the threshold, 0 at and above it',
      tokens: [0, 250, 500, 1000, 5000],
      parameters: { queueThresholdTokens: 1000 },
      expected: [1, 0.75, 0.5, 0, 0],
    },
    {
      name: 'absolute, not relative to the other candidates',
      tokens: [100, 200],
      parameters: { queueThresholdTokens: 1000 },
      expected: [0.9, 0.8],
    },
    {
      name: '0 means the default threshold',
      tokens: [defaultQueueThresholdTokens / 2],
      parameters: { queueThresholdTokens: 0 },
      expected: [0.5],
    },
  ];
  for (const { name, tokens, parameters, expected } of cases) {
    it(name, () => {
      assert.deepEqual(scores(tokens, parameters), expected);
    });
  }

  it('rejects a threshold that is not a non-negative integer', () => {
    for (const queueThresholdTokens of [-1, 1.5, '1k'])
      assert.throws(
        () => testPlugin('token-load-scorer', { queueThresholdTokens }),
        configProblem('parameters.queueThresholdTokens', /must be/),
      );
  });
});
