import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testEndpoint } from '../testkit.ts';
import { endpointSaturation, poolSaturation, saturationDefaults } from './saturation.ts';

describe('saturation detection', () => {
  it('takes the scarcer of queue and KV cache per endpoint (roofline)', () => {
    assert.equal(
      endpointSaturation(testEndpoint(1, { waitingQueueSize: 10, kvCacheUsage: 0.4 }), 0, saturationDefaults),
      2,
    );
    assert.equal(
      endpointSaturation(testEndpoint(1, { waitingQueueSize: 1, kvCacheUsage: 0.4 }), 0, saturationDefaults),
      0.5,
    );
  });

  it('counts stale or missing metrics as full', () => {
    assert.equal(endpointSaturation(testEndpoint(1, { updatedAt: 0 }), 201, saturationDefaults), 1);
    assert.equal(endpointSaturation(testEndpoint(1, { updatedAt: 0 }), 200, saturationDefaults), 0);
    assert.equal(
      endpointSaturation(testEndpoint(1, { updatedAt: Number.NEGATIVE_INFINITY }), 0, saturationDefaults),
      1,
    );
  });

  it('averages over the pool; an empty pool is saturated', () => {
    const pool = [testEndpoint(1, { waitingQueueSize: 10 }), testEndpoint(2)];
    assert.equal(poolSaturation(pool, 0, saturationDefaults), 1);
    assert.equal(poolSaturation([], 0, saturationDefaults), 1);
  });
});
