// Tests for the weighted-distribution check.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backendNameOf, weightedDistributionProblems } from './weight.ts';

const weights = { 'infra-backend-v1': 0.7, 'infra-backend-v2': 0.3, 'infra-backend-v3': 0 };

/** A sender answering from a fixed repeating pattern of pods. */
function cycling(pods: string[]): () => Promise<string> {
  let sent = 0;
  return async () => pods[sent++ % pods.length];
}

test('backendNameOf drops the replica set and pod hashes', () => {
  assert.equal(backendNameOf('infra-backend-v1-7d9c5b8f6-abcde'), 'infra-backend-v1');
  assert.equal(backendNameOf('web-backend'), 'web-backend');
});

test('an exact 70/30 split passes', async () => {
  const pattern = [...Array(7).fill('infra-backend-v1-a-b'), ...Array(3).fill('infra-backend-v2-c-d')];
  assert.equal(await weightedDistributionProblems(cycling(pattern), weights), undefined);
});

test('a 50/50 split is out of tolerance', async () => {
  const problems = await weightedDistributionProblems(
    cycling(['infra-backend-v1-a-b', 'infra-backend-v2-c-d']),
    weights,
  );
  assert.match(problems ?? '', /not within tolerance/);
});

test('any traffic to a weight-0 backend fails', async () => {
  const pattern = [
    ...Array(69).fill('infra-backend-v1-a-b'),
    ...Array(30).fill('infra-backend-v2-c-d'),
    'infra-backend-v3-e-f',
  ];
  assert.match((await weightedDistributionProblems(cycling(pattern), weights)) ?? '', /expected 2 backends/);
});

test('an unexpected backend or a failed request fails the run', async () => {
  assert.match((await weightedDistributionProblems(cycling(['other-x-y']), weights)) ?? '', /unexpected pod/);
  const failing = async (): Promise<string> => {
    throw new Error('connection refused');
  };
  assert.match((await weightedDistributionProblems(failing, weights)) ?? '', /connection refused/);
});
