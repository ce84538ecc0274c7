import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderChart } from './chart.ts';
import { type Figures, ratiosTo } from './figures.ts';
import { checkGoals, loadPointReached } from './goals.ts';
import { formatMs, goalsSection, renderReport } from './report.ts';
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
      sweep: false,
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
        goals: null,
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

describe('goals (issue 5)', () => {
  const cases: {
    name: string;
    baseline: number[];
    other: number[];
    tokensPerSecond?: number;
    succeeded?: number;
    hitRate?: number;
    met: Record<string, boolean> | null;
  }[] = [
    {
      name: 'all met: 10× lower p90, 1.5× the throughput, no failure, 93 % of the best hit rate',
      baseline: [100, 2000],
      other: [80, 200],
      tokensPerSecond: 600,
      met: { ttft: true, throughput: true, noFailures: true, hitRate: true, all: true },
    },
    {
      name: 'p90 only 4× lower',
      baseline: [100, 2000],
      other: [80, 500],
      tokensPerSecond: 600,
      met: { ttft: false, throughput: true, noFailures: true, hitRate: true, all: false },
    },
    {
      name: 'throughput 1.2×, one failure, 80 % of the best hit rate',
      baseline: [100, 2000],
      other: [80, 200],
      tokensPerSecond: 480,
      succeeded: 9,
      hitRate: 0.6,
      met: { ttft: true, throughput: false, noFailures: false, hitRate: false, all: false },
    },
    { name: 'the baseline never reached 5× unloaded', baseline: [100, 400], other: [80, 90], met: null },
  ];
  for (const { name, baseline, other, tokensPerSecond = 400, succeeded = 10, hitRate = 0.7, met } of cases) {
    it(name, () => {
      const run = results();
      const base = strategy('round-robin', baseline);
      const fast = strategy('sluice', other);
      fast.stages[1].outputTokensPerSecond = tokensPerSecond;
      fast.overall.succeeded = succeeded;
      fast.overall.prefixCacheHitRate = hitRate;
      const workload = { ...run.workloads[0], strategies: [base, fast] };
      const check = checkGoals(workload, 'round-robin');
      assert.ok(check);
      assert.equal(check.unloaded.ttftP90Ms, baseline[0]);
      if (met === null) {
        assert.equal(check.loadPoint, null);
        assert.deepEqual(check.mostLoaded, { stage: 1, qps: 2, slowdown: 4 });
        assert.match(goalsSection(check).join('\n'), /never reached 5× that in this run \(at most 4\.0×/);
        return;
      }
      assert.deepEqual(check.loadPoint, { stage: 1, qps: 2, ttftP90Ms: baseline[1], slowdown: 20 });
      assert.deepEqual(check.strategies[0].met, met);
      const section = goalsSection(check).join('\n');
      assert.match(section, /The load point is 2\.00 QPS, where its p90 is 2\.00 s \(20\.0× unloaded\)/);
      assert.match(section, new RegExp(`\\| sluice \\| .* \\| ${met.all ? 'all met' : 'missed'} \\|`));
    });
  }

  it('no baseline, no check; the sweep stops once the last stage is 5× the first', () => {
    assert.equal(checkGoals({ ...results().workloads[0], strategies: [] }, 'round-robin'), null);
    const stages = strategy('round-robin', [100, 300, 499, 500]).stages;
    assert.equal(loadPointReached(stages.slice(0, 1)), false);
    assert.equal(loadPointReached(stages.slice(0, 3)), false);
    assert.equal(loadPointReached(stages), true);
  });
});
