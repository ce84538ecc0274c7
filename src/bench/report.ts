// The Markdown report of a benchmark: per workload, one row per strategy with every figure and its ratio to
// the baseline, then TTFT p90 by offered QPS.

import { type ComparedFigure, figureValue } from './figures.ts';
import { type GoalCheck, goal } from './goals.ts';
import type { BenchResults, StrategyResult, WorkloadResult } from './results.ts';

/** Milliseconds as people read them: 83.4 ms, 1.23 s. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  return `${ms.toPrecision(3)} ms`;
}

export function formatPercent(share: number | null): string {
  return share === null ? '—' : `${(share * 100).toFixed(1)} %`;
}

function formatRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return '';
  return ` (${ratio >= 10 ? ratio.toFixed(0) : ratio.toPrecision(2)}×)`;
}

const columns: { title: string; figure: ComparedFigure; format: (value: number | null) => string }[] = [
  { title: 'TTFT p50', figure: 'ttftMs.p50', format: formatMs },
  { title: 'TTFT p90', figure: 'ttftMs.p90', format: formatMs },
  { title: 'TTFT p99', figure: 'ttftMs.p99', format: formatMs },
  { title: 'ITL p50', figure: 'itlMs.p50', format: formatMs },
  { title: 'ITL p90', figure: 'itlMs.p90', format: formatMs },
  { title: 'e2e p90', figure: 'e2eMs.p90', format: formatMs },
  {
    title: 'output tok/s',
    figure: 'outputTokensPerSecond',
    format: (value) => (value === null ? '—' : value.toFixed(0)),
  },
  { title: 'success', figure: 'successRate', format: formatPercent },
  { title: 'prefix hit', figure: 'prefixCacheHitRate', format: formatPercent },
];

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function strategyRow(result: StrategyResult): string {
  return row([
    result.strategy,
    ...columns.map(
      ({ figure, format }) =>
        format(figureValue(result.overall, figure)) + formatRatio(result.ratios?.overall[figure]),
    ),
  ]);
}

function qpsTable(workload: WorkloadResult): string[] {
  const lines = [
    row(['offered QPS', ...workload.strategies.map((result) => `${result.strategy} TTFT p90`)]),
    row(['---:', ...workload.strategies.map(() => '---:')]),
  ];
  workload.stages.forEach((stage, index) => {
    lines.push(
      row([
        stage.qps.toPrecision(3),
        ...workload.strategies.map((result) => {
          const figures = result.stages[index];
          if (figures === undefined) return '—';
          const failed = figures.requests + figures.unsent - figures.succeeded;
          return (
            formatMs(figures.ttftMs.p90) +
            formatRatio(result.ratios?.stages[index]?.['ttftMs.p90']) +
            (failed > 0 ? `, ${failed} failed` : '')
          );
        }),
      ]),
    );
  });
  return lines;
}

function share(seconds: number | null, wall: number): string {
  return seconds === null || wall <= 0 ? '—' : `${((seconds / wall) * 100).toFixed(0)} %`;
}

/** How hard the machine worked and how much the harness itself added, per strategy. */
function harnessTable(workload: WorkloadResult): string[] {
  const titles = [
    'strategy',
    'gateway CPU',
    'replicas CPU',
    'benchmark CPU',
    'client − engine TTFT',
    'send lag p99',
    'held turns',
    'requests per replica',
  ];
  return [
    row(titles),
    row(titles.map((_, index) => (index === 0 ? '---' : '---:'))),
    ...workload.strategies.map(({ strategy, cpuSeconds, overall }) => {
      const engine = overall.engineTtftMeanMs;
      const client = overall.ttftMs.mean;
      return row([
        strategy,
        share(cpuSeconds.gateway, cpuSeconds.wall),
        share(cpuSeconds.replicas, cpuSeconds.wall),
        share(cpuSeconds.benchmark, cpuSeconds.wall),
        engine === null || client === null ? '—' : formatMs(client - engine),
        formatMs(overall.sendLagMsP99),
        String(overall.heldTurns),
        Object.values(overall.requestsPerEndpoint).join(' / '),
      ]);
    }),
  ];
}

function mark(met: boolean): string {
  return met ? '✓' : '✗';
}

/** Issue 5's goals at the load point: one row per strategy, each goal marked met or missed. */
export function goalsSection(check: GoalCheck): string[] {
  const { baseline, unloaded, loadPoint, mostLoaded } = check;
  const where = loadPoint
    ? `The load point is ${loadPoint.qps.toPrecision(3)} QPS, where its p90 is ${formatMs(loadPoint.ttftP90Ms)}` +
      ` (${loadPoint.slowdown.toFixed(1)}× unloaded).`
    : `Its p90 never reached ${goal.baselineSlowdown}× that in this run` +
      (mostLoaded
        ? ` (at most ${mostLoaded.slowdown.toFixed(1)}×, at ${mostLoaded.qps.toPrecision(3)} QPS)`
        : '') +
      ': the load point is not in this run, so the goals that need it are not checked.';
  const titles = [
    'strategy',
    'TTFT p90 at the load point',
    `${baseline} ÷ strategy (≥ ${goal.ttftP90Improvement})`,
    `output tok/s ÷ ${baseline} (≥ ${goal.throughputRatio})`,
    'failed (0)',
    `prefix hit ÷ best possible (≥ ${goal.hitRateShareOfBound * 100} %)`,
    'goals',
  ];
  const ratio = (value: number | null, met: boolean) =>
    value === null ? '—' : `${value.toPrecision(3)}× ${mark(met)}`;
  return [
    `**Goals (issue 5)** against ${baseline}. Unloaded is the first stage: ${baseline}'s TTFT p90 is` +
      ` ${formatMs(unloaded.ttftP90Ms)} at ${unloaded.qps.toPrecision(3)} QPS. ${where}`,
    '',
    row(titles),
    row(titles.map((_, index) => (index === 0 ? '---' : '---:'))),
    ...check.strategies.map((result) =>
      row([
        result.strategy,
        formatMs(result.ttftP90Ms),
        ratio(result.ttftP90Improvement, result.met.ttft),
        ratio(result.throughputRatio, result.met.throughput),
        `${result.failed} ${mark(result.met.noFailures)}`,
        `${formatPercent(result.hitRate)} ÷ ${formatPercent(result.hitRateBound)} = ` +
          `${formatPercent(result.hitRateShareOfBound)} ${mark(result.met.hitRate)}`,
        result.met.all ? 'all met' : 'missed',
      ]),
    ),
    '',
  ];
}

export function renderWorkload(workload: WorkloadResult, baseline: string): string {
  const parameters = Object.entries(workload.parameters)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join(' ');
  const bound = workload.strategies[0]?.prefixCacheHitRateBound;
  return [
    `### ${workload.name}`,
    '',
    `${workload.plannedRequests} requests planned; ${parameters}.`,
    '',
    row(['strategy', ...columns.map((column) => column.title)]),
    row(['---', ...columns.map(() => '---:')]),
    ...workload.strategies.map(strategyRow),
    '',
    `Ratios in brackets are to ${baseline}. Prefix hit is the replicas' own counter (hit tokens ÷ prompt tokens);` +
      ` the most these prompts allow (one replica that never evicts) is ${formatPercent(bound ?? null)}.`,
    '',
    ...qpsTable(workload),
    '',
    ...(workload.goals === null ? [] : goalsSection(workload.goals)),
    'CPU is processor time over wall time (100 % = one core). Client − engine TTFT is the mean TTFT the client' +
      ' measured minus the mean the replicas report: what the gateway, loopback HTTP and the harness add.',
    '',
    ...harnessTable(workload),
    '',
  ].join('\n');
}

export function renderReport(results: BenchResults): string {
  const settings = results.settings;
  const machine = results.machine;
  return [
    `## sluice bench, ${results.startedAt}`,
    '',
    `\`${results.command}\``,
    '',
    `${settings.replicas} replicas of \`${settings.profile}\`` +
      (settings.numGpuBlocks === null ? '' : ` with ${settings.numGpuBlocks} KV blocks each`) +
      `, fleet ${settings.fleet}, time scale ${settings.timeScale} (times below are simulated), seed ${settings.seed}.` +
      ` ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; load average ${machine.loadAverageBefore.map((v) => v.toFixed(2)).join(' ')}` +
      ` before, ${machine.loadAverageAfter.map((v) => v.toFixed(2)).join(' ')} after; ${results.wallSeconds.toFixed(0)} s wall.` +
      (results.stoppedEarly === undefined ? '' : ` **Stopped early: ${results.stoppedEarly}.**`),
    '',
    ...results.workloads.map((workload) => renderWorkload(workload, settings.baseline)),
  ].join('\n');
}
