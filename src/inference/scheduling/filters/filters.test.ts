import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../../sim/clock.ts';
import { configProblem, pluginTypesOfKind, testEndpoint, testPlugin, testRequest } from '../../testkit.ts';
import { type Filter, isFilter } from '../types.ts';

function filter(type: string, parameters?: Record<string, unknown>, clock = new ManualClock()): Filter {
  const plugin = testPlugin(type, parameters, clock);
  assert.ok(isFilter(plugin), `${type} is a filter`);
  return plugin;
}

describe('every filter (shared behaviour)', () => {
  for (const type of pluginTypesOfKind('filter')) {
    describe(type, () => {
      it('keeps a subset of its input, in order, without changing the input', () => {
        const endpoints = [testEndpoint(1), testEndpoint(2, { waitingQueueSize: 50 }), testEndpoint(3)];
        const before = [...endpoints];
        const kept = filter(type).filter(testRequest(), endpoints, new Map());
        assert.deepEqual(endpoints, before);
        let at = -1;
        for (const endpoint of kept) {
          const index = endpoints.indexOf(endpoint);
          assert.ok(index > at, 'order kept');
          at = index;
        }
      });

      it('handles no endpoints', () => {
        assert.deepEqual([...filter(type).filter(testRequest(), [], new Map())], []);
      });
    });
  }
});

describe('utilization-detector as a filter', () => {
  it('drops endpoints with a long queue, a full KV cache or stale metrics', () => {
    const clock = new ManualClock();
    clock.advance(1000);
    const endpoints = [
      testEndpoint(1, { waitingQueueSize: 4, kvCacheUsage: 0.79, updatedAt: 900 }),
      testEndpoint(2, { waitingQueueSize: 5, updatedAt: 900 }),
      testEndpoint(3, { kvCacheUsage: 0.8, updatedAt: 900 }),
      testEndpoint(4, { updatedAt: 700 }),
    ];
    const kept = filter('utilization-detector', undefined, clock).filter(testRequest(), endpoints, new Map());
    assert.deepEqual(
      kept.map((endpoint) => endpoint.name),
      ['pod-1'],
    );
  });

  it('lets headroom raise the limits, and keeps everyone when no endpoint fits', () => {
    const clock = new ManualClock();
    const endpoints = [testEndpoint(1, { waitingQueueSize: 5 }), testEndpoint(2, { waitingQueueSize: 9 })];
    const relaxed = filter('utilization-detector', { headroom: 0.2 }, clock).filter(
      testRequest(),
      endpoints,
      new Map(),
    );
    assert.deepEqual(
      relaxed.map((endpoint) => endpoint.name),
      ['pod-1'],
    );
    const strict = filter('utilization-detector', { queueDepthThreshold: 2 }, clock);
    assert.equal(strict.filter(testRequest(), endpoints, new Map()).length, 2);
  });

  it('validates its thresholds', () => {
    assert.throws(
      () => testPlugin('utilization-detector', { metricsStalenessThreshold: 'soon' }),
      configProblem('parameters.metricsStalenessThreshold', /a duration/),
    );
    assert.throws(
      () => testPlugin('utilization-detector', { kvCacheUtilThreshold: 1.5 }),
      configProblem('parameters.kvCacheUtilThreshold', /between 0.01 and 1/),
    );
  });
});
