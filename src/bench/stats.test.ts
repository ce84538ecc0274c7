import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallResult } from './client.ts';
import type { StageRun } from './driver.ts';
import { figuresOf, ratiosTo } from './figures.ts';
import { ascending, mean, percentile } from './stats.ts';

describe('percentile', () => {
  it('interpolates between closest ranks as numpy does', () => {
    const sorted = ascending([15, 20, 35, 40, 50]);
    assert.equal(percentile(sorted, 0), 15);
    assert.equal(percentile(sorted, 50), 35);
    assert.equal(percentile(sorted, 90), 46);
    assert.equal(percentile(sorted, 100), 50);
    assert.equal(percentile([7], 99), 7);
    assert.equal(percentile([], 50), undefined);
    assert.deepEqual(ascending([3, 1, 2]), [1, 2, 3]);
    assert.equal(mean([1, 2, 6]), 3);
    assert.equal(mean([]), undefined);
  });
});

function call(sentAt: number, tokenAt: number[], ok = true): CallResult {
  return {
    ok,
    status: ok ? 200 : 503,
    sentAt,
    tokenAt,
    endAt: tokenAt.at(-1) ?? sentAt,
    outputTokens: tokenAt.length,
    answer: '',
  };
}

const noCounters = { prefixQueryTokens: 0, prefixHitTokens: 0, ttftSeconds: 0, ttftCount: 0, preemptions: 0 };

function stageRun(results: CallResult[]): StageRun {
  return {
    stage: 0,
    startedAt: 0,
    endedAt: Math.max(...results.map((result) => result.endAt)),
    unsent: 0,
    records: results.map((result, index) => ({
      planned: { index, stage: 0, atMs: 0, api: 'chat', model: 'm', prompt: '', outputTokens: 1 },
      call: { api: 'chat', model: 'm', messages: [], outputTokens: 1 },
      sendLagMs: 0,
      heldMs: 0,
      result,
    })),
  };
}

describe('figures', () => {
  it('measures TTFT, ITL and e2e from the client timings, in simulated time', () => {
    const run = stageRun([call(0, [10, 12, 14]), call(5, [25, 30]), call(0, [], false)]);
    const counters = {
      prefixQueryTokens: 100,
      prefixHitTokens: 25,
      ttftSeconds: 0.03,
      ttftCount: 2,
      preemptions: 1,
    };
    const figures = figuresOf([run], counters, 2, { qps: 3, durationMs: 1000 });
    assert.equal(figures.requests, 3);
    assert.equal(figures.succeeded, 2);
    assert.equal(figures.successRate, 2 / 3);
    assert.equal(figures.ttftMs.p50, 30); // (10, 20) wall × time scale 2
    assert.equal(figures.ttftMs.mean, 30);
    assert.equal(figures.itlMs.p50, 4); // gaps 2, 2, 5 wall
    assert.equal(figures.e2eMs.p90, 2 * (14 + 0.9 * (25 - 14)));
    assert.equal(figures.durationSeconds, 0.06);
    assert.equal(figures.outputTokensPerSecond, 5 / 0.06);
    assert.equal(figures.prefixCacheHitRate, 0.25);
    assert.equal(figures.engineTtftMeanMs, 15);
    assert.equal(figures.offeredQps, 3);
  });

  it('divides each compared figure by the baseline’s, null where that is missing or zero', () => {
    const base = figuresOf([stageRun([call(0, [10, 20])])], noCounters, 1, null);
    const other = figuresOf([stageRun([call(0, [5, 25])])], noCounters, 1, null);
    const ratios = ratiosTo(other, base);
    assert.equal(ratios['ttftMs.p50'], 0.5);
    assert.equal(ratios['itlMs.p50'], 2);
    assert.equal(ratios.successRate, 1);
    assert.equal(ratios.prefixCacheHitRate, null);
  });
});
