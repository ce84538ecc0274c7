// A run's figures, per stage and overall, from the client's timings and the replicas' counters; and each
// figure's ratio to the baseline strategy's. Times are simulated: wall time × the time scale.

import type { StageRun } from './driver.ts';
import type { EngineCounters } from './replica-metrics.ts';
import { ascending, mean, percentile } from './stats.ts';
import type { Stage } from './workload.ts';

export interface Figures {
  /** Offered load, requests per simulated second (null for figures over several stages). */
  offeredQps: number | null;
  /** Requests sent; `unsent` were planned but never sent (the run was stopped). */
  requests: number;
  unsent: number;
  succeeded: number;
  /** Succeeded ÷ planned. */
  successRate: number;
  ttftMs: { p50: number | null; p90: number | null; p99: number | null; mean: number | null };
  itlMs: { p50: number | null; p90: number | null };
  e2eMs: { p90: number | null };
  outputTokensPerSecond: number;
  /** Prefix-cache hit tokens ÷ prompt tokens looked up, from the replicas' own counters. */
  prefixCacheHitRate: number | null;
  /** The replicas' own mean TTFT; the client's minus this is what the gateway and the harness add. */
  engineTtftMeanMs: number | null;
  preemptions: number;
  /** Simulated seconds from the first request sent to the last one finished. */
  durationSeconds: number;
  /** p99 of how late requests were sent after their planned arrival: the harness's own timer slack. */
  sendLagMsP99: number | null;
  /** Turns that arrived while their conversation's previous turn was still running, and so went later. */
  heldTurns: number;
  /** Requests each endpoint answered (`x-gateway-destination-endpoint-served`), to see how the load spread. */
  requestsPerEndpoint: Record<string, number>;
}

/** The figures that compare between strategies, as paths into `Figures`. */
export const comparedFigures = [
  'ttftMs.p50',
  'ttftMs.p90',
  'ttftMs.p99',
  'itlMs.p50',
  'itlMs.p90',
  'e2eMs.p90',
  'outputTokensPerSecond',
  'successRate',
  'prefixCacheHitRate',
] as const;

export type ComparedFigure = (typeof comparedFigures)[number];
export type Ratios = Record<ComparedFigure, number | null>;

function orNull(value: number | undefined): number | null {
  return value === undefined || Number.isNaN(value) ? null : value;
}

export function figureValue(figures: Figures, path: ComparedFigure): number | null {
  const [group, key] = path.split('.');
  const value = (figures as unknown as Record<string, unknown>)[group];
  if (key === undefined) return typeof value === 'number' ? value : null;
  const inner = (value as Record<string, number | null>)[key];
  return typeof inner === 'number' ? inner : null;
}

function countServed(endpoints: readonly (string | undefined)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const endpoint of endpoints)
    if (endpoint !== undefined) counts[endpoint] = (counts[endpoint] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** Figures over `runs` (one stage, or all of them), with the replicas' counters over the same span. */
export function figuresOf(
  runs: readonly StageRun[],
  counters: EngineCounters,
  timeScale: number,
  stage: Stage | null,
): Figures {
  const records = runs.flatMap((run) => run.records);
  const succeeded = records.filter((record) => record.result.ok);
  const ttft: number[] = [];
  const itl: number[] = [];
  const e2e: number[] = [];
  let outputTokens = 0;
  for (const { result } of succeeded) {
    if (result.tokenAt.length > 0) ttft.push((result.tokenAt[0] - result.sentAt) * timeScale);
    for (let i = 1; i < result.tokenAt.length; i++)
      itl.push((result.tokenAt[i] - result.tokenAt[i - 1]) * timeScale);
    e2e.push((result.endAt - result.sentAt) * timeScale);
    outputTokens += result.outputTokens;
  }
  const sortedTtft = ascending(ttft);
  const sortedItl = ascending(itl);
  const durationSeconds = runs.reduce(
    (sum, run) => sum + ((run.endedAt - run.startedAt) * timeScale) / 1000,
    0,
  );
  const unsent = runs.reduce((sum, run) => sum + run.unsent, 0);
  const planned = records.length + unsent;
  return {
    offeredQps: stage?.qps ?? null,
    requests: records.length,
    unsent,
    succeeded: succeeded.length,
    successRate: planned === 0 ? 0 : succeeded.length / planned,
    ttftMs: {
      p50: orNull(percentile(sortedTtft, 50)),
      p90: orNull(percentile(sortedTtft, 90)),
      p99: orNull(percentile(sortedTtft, 99)),
      mean: orNull(mean(ttft)),
    },
    itlMs: { p50: orNull(percentile(sortedItl, 50)), p90: orNull(percentile(sortedItl, 90)) },
    e2eMs: { p90: orNull(percentile(ascending(e2e), 90)) },
    outputTokensPerSecond: durationSeconds > 0 ? outputTokens / durationSeconds : 0,
    prefixCacheHitRate:
      counters.prefixQueryTokens > 0 ? counters.prefixHitTokens / counters.prefixQueryTokens : null,
    engineTtftMeanMs: counters.ttftCount > 0 ? (counters.ttftSeconds / counters.ttftCount) * 1000 : null,
    preemptions: counters.preemptions,
    durationSeconds,
    sendLagMsP99: orNull(percentile(ascending(records.map((record) => record.sendLagMs * timeScale)), 99)),
    heldTurns: records.filter((record) => record.heldMs > 0).length,
    requestsPerEndpoint: countServed(records.map((record) => record.result.servedBy)),
  };
}

/** Each compared figure ÷ the baseline's (null where either is missing or the baseline is 0). */
export function ratiosTo(figures: Figures, baseline: Figures): Ratios {
  const ratios = {} as Ratios;
  for (const path of comparedFigures) {
    const value = figureValue(figures, path);
    const base = figureValue(baseline, path);
    ratios[path] = value === null || base === null || base === 0 ? null : value / base;
  }
  return ratios;
}
