// Weighted backend choice and endpoint round-robin, driven by a fixed random source.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RoundRobin, WeightedPicker } from './balancer.ts';

test('weights split the unit interval in order; weight 0 is never picked', () => {
  const picker = new WeightedPicker([
    { weight: 70, value: 'a' },
    { weight: 0, value: 'never' },
    { weight: 30, value: 'b' },
  ]);
  assert.equal(
    picker.pick(() => 0),
    'a',
  );
  assert.equal(
    picker.pick(() => 0.6999),
    'a',
  );
  assert.equal(
    picker.pick(() => 0.7),
    'b',
  );
  assert.equal(
    picker.pick(() => 0.9999),
    'b',
  );
});

test('no positive weight means nothing to pick', () => {
  assert.equal(new WeightedPicker([{ weight: 0, value: 'a' }]).pick(), undefined);
  assert.equal(new WeightedPicker<string>([]).pick(), undefined);
});

test('round-robin cycles through endpoints', () => {
  const endpoints = new RoundRobin(['x', 'y', 'z']);
  assert.deepEqual(
    [1, 2, 3, 4, 5].map(() => endpoints.next()),
    ['x', 'y', 'z', 'x', 'y'],
  );
  assert.equal(new RoundRobin<string>([]).next(), undefined);
});
