import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderChart } from './chart.ts';
import { type Figures, ratiosTo } from './figures.ts';
import { formatMs, renderReport } from './report.ts';
import type { BenchResults, StrategyResult } from './results.ts';

function figures(ttftP90: number, qps: number | null): Figures {
  return {
    offeredQps: qps,
    requests: 10,
    unsent: 0,
    succeeded: 10,
    successRate: 1,
    ttftMs: { p50: ttftP90 / 2, p90: ttftP90, p99: ttftP90 * 2, mean: ttftP90 / 2 },
    itlMs: { p50: 10, p90: 12 },
    e2eMs: { p90: 1500 },
    outputTokensPerSecond: 400,
    prefixCacheHitRate: null,
    engineTtftMeanMs: ttftP90 / 2 - 3,
    preemptions: 0,
    durationSeconds: 10,
    sendLagMsP99: 1,
    heldTurns: 0,
    requestsPerEndpoint: { 'a:1': 6, 'b:1': 4 },
  };
}

function strategy(name: string, ttfts: number[]): StrategyResult {
  return {
    strategy: name,
    source: 'built in',
    pickerConfig: '',
    loadAverage: { before: [1, 1, 1], after: [1, 1, 1] },
    cpuSeconds: { gateway: 2, replicas: 5, benchmark: null, wall: 10 },
    overall: figures(Math.max(...ttfts), null),
    stages: ttfts.map((ttft, index) => figures(ttft, index + 1)),
    ratios: null,
    prefixCacheHitRateBound: 0.75,
  };
}

function results(): BenchResults {
  const baseline = strategy('round-robin', [100, 2000]);
  const other = strategy('<fast> & "good"', [80, 200]);
  other.ratios = {
    overall: ratiosTo(other.overall, baseline.overall),
    stages: other.stages.map((stage, index) => ratiosTo(stage, baseline.stages[index])),
  };
  return {
    tool: 'sluice bench',
    command: 'sluice bench --out x',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    wallSeconds: 60,
    machine: {
      cpus: 2,
      cpuModel: 'cpu',
      node: 'v24',
      loadAverageBefore: [1, 2, 3],
      loadAverageAfter: [1, 2, 3],
    },
    settings: {
      replicas: 4,
      profile: 'p',
      numGpuBlocks: null,
      maxLoras: null,
      timeScale: 1,
      fleet: 'process',
      seed: 1,
      requestTimeoutSeconds: 60,
      baseline: 'round-robin',
    },
    workloads: [
      {
        name: 'shared-prefix',
        parameters: { groups: 2, qps: [1, 2] },
        stages: [
          { qps: 1, durationMs: 1000 },
          { qps: 2, durationMs: 1000 },
        ],
        plannedRequests: 20,
        strategies: [baseline, other],
      },
    ],
  };
}

describe('report', () => {
  it('formats milliseconds and seconds with three digits', () => {
    assert.equal(formatMs(83.44), '83.4 ms');
    assert.equal(formatMs(1234), '1.23 s');
    assert.equal(formatMs(null), '—');
  });

  it('has a row per strategy with ratios to the baseline, and TTFT p90 per stage', () => {
    const report = renderReport(results());
    assert.match(report, /`sluice bench --out x`/);
    assert.match(report, /\| round-robin \| 1\.00 s \| 2\.00 s \| 4\.00 s \| 10\.0 ms \|/);
    assert.match(report, /\| <fast> & "good" \| 100 ms \(0\.10×\) \| 200 ms \(0\.10×\) \|/);
    assert.match(report, /\| 2\.00 \| 2\.00 s \| 200 ms \(0\.10×\) \|/);
    assert.match(report, /\| round-robin \| 20 % \| 50 % \| — \| 3\.00 ms \| 1\.00 ms \| 0 \| 6 \/ 4 \|/);
    assert.match(report, /never evicts\) is 75\.0 %/);
  });
});

describe('chart', () => {
  it('draws one line per strategy over the stages, with escaped names', () => {
    const svg = renderChart(results().workloads[0]);
    assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" role="img"'));
    assert.match(svg, /<title>shared-prefix: TTFT p90 against offered load<\/title>/);
    assert.ok(svg.trimEnd().endsWith('</svg>'));
    assert.equal(svg.match(/<polyline /g)?.length, 2);
    assert.equal(svg.match(/<circle /g)?.length, 4);
    assert.match(svg, /&lt;fast&gt; &amp; &quot;good&quot;/);
    assert.match(svg, />1 s</);
  });
});
