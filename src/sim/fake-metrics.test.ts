import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SluiceError } from '../errors.ts';
import { parseFakeMetrics } from './fake-metrics.ts';

describe('fake metrics', () => {
  it('pins numbers and animates functions over simulated time', () => {
    const fake = parseFakeMetrics({
      'running-requests': 4,
      'waiting-requests': 'ramp:0:10:10s',
      'kv-cache-usage': 'squarewave:0.2:0.8:2s',
    });
    assert.equal(fake.running?.(123_456), 4);
    assert.equal(fake.waiting?.(5_000), 5);
    assert.equal(fake.waiting?.(60_000), 10, 'ramp holds its end value');
    assert.equal(fake.kvUsage?.(500), 0.2);
    assert.equal(fake.kvUsage?.(1_500), 0.8);
  });

  it('oscillates and ramps with reset within each period', () => {
    const fake = parseFakeMetrics({
      'running-requests': 'oscillate:0:10:4s',
      'waiting-requests': 'rampreset:0:8:4s',
    });
    assert.equal(fake.running?.(0), 0);
    assert.equal(fake.running?.(2_000), 10);
    assert.equal(fake.waiting?.(3_000), 6);
    assert.equal(fake.waiting?.(4_000), 0);
  });

  it('rejects values it cannot honour', () => {
    const rejects = (config: unknown) =>
      assert.throws(
        () => parseFakeMetrics(config),
        (error: unknown) => error instanceof SluiceError,
      );
    rejects({ 'kv-cache-usage': 1.5 });
    rejects({ 'running-requests': 'wobble:0:1:1s' });
    rejects({ 'running-requests': 'ramp:0:1:soon' });
    rejects({ queue: 3 });
    rejects([1]);
  });
});
