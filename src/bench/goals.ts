// Issue 5's scheduling goals, checked on a run: at the load where the baseline's p90 TTFT is 5× its
// unloaded value, a strategy's p90 TTFT at least 5× lower and its output throughput at least 1.3× higher,
// no failed request, and a prefix-cache hit rate within 10 % of the best the workload allows.
//
// "Unloaded" is the run's first stage, so a run meant for the check starts at a QPS where requests rarely
// meet on a replica; the load point is the first stage where the baseline's p90 reached 5× that.

import type { Figures } from './figures.ts';
import type { StrategyResult, WorkloadResult } from './results.ts';

export const goal = {
  /** The load point: the baseline's p90 TTFT this many times its unloaded p90. */
  baselineSlowdown: 5,
  /** There, the baseline's p90 TTFT ÷ the strategy's must reach this. */
  ttftP90Improvement: 5,
  /** And the strategy's output tokens/s ÷ the baseline's. */
  throughputRatio: 1.3,
  /** Over the run, the strategy's prefix-cache hit rate ÷ the best its prompts allow. */
  hitRateShareOfBound: 0.9,
} as const;

export interface StrategyGoals {
  strategy: string;
  /** At the load point. */
  ttftP90Ms: number | null;
  /** The baseline's p90 TTFT ÷ this strategy's, at the load point. */
  ttftP90Improvement: number | null;
  /** Output tokens/s ÷ the baseline's, at the load point. */
  throughputRatio: number | null;
  /** Requests of the whole run that did not succeed. */
  failed: number;
  hitRate: number | null;
  hitRateBound: number;
  /** hitRate ÷ hitRateBound. */
  hitRateShareOfBound: number | null;
  met: { ttft: boolean; throughput: boolean; noFailures: boolean; hitRate: boolean; all: boolean };
}

export interface GoalCheck {
  baseline: string;
  unloaded: { qps: number; ttftP90Ms: number | null };
  /** The first stage where the baseline's p90 TTFT reached `baselineSlowdown` × unloaded; null if none did. */
  loadPoint: { stage: number; qps: number; ttftP90Ms: number; slowdown: number } | null;
  /** When no stage qualified: the stage where the baseline slowed down most, for the reading. */
  mostLoaded: { stage: number; qps: number; slowdown: number } | null;
  strategies: StrategyGoals[];
}

/** Each stage's p90 TTFT ÷ the first stage's (null where either is missing). */
export function slowdowns(stages: readonly Figures[]): (number | null)[] {
  const unloaded = stages[0]?.ttftMs.p90 ?? null;
  return stages.map((figures) => {
    const p90 = figures.ttftMs.p90;
    return unloaded === null || unloaded <= 0 || p90 === null ? null : p90 / unloaded;
  });
}

/** Whether the baseline's last stage reached the load point (the sweep stops raising QPS then). */
export function loadPointReached(stages: readonly Figures[]): boolean {
  const last = slowdowns(stages).at(-1);
  return stages.length > 1 && last !== null && last !== undefined && last >= goal.baselineSlowdown;
}

function failedIn(figures: Figures): number {
  return figures.requests + figures.unsent - figures.succeeded;
}

function strategyGoals(result: StrategyResult, base: StrategyResult, stage: number | null): StrategyGoals {
  const at = stage === null ? undefined : result.stages[stage];
  const baseAt = stage === null ? undefined : base.stages[stage];
  const ttftP90Ms = at?.ttftMs.p90 ?? null;
  const baseP90 = baseAt?.ttftMs.p90 ?? null;
  const ttftP90Improvement =
    ttftP90Ms === null || baseP90 === null || ttftP90Ms <= 0 ? null : baseP90 / ttftP90Ms;
  const throughputRatio =
    at === undefined || baseAt === undefined || baseAt.outputTokensPerSecond <= 0
      ? null
      : at.outputTokensPerSecond / baseAt.outputTokensPerSecond;
  const failed = failedIn(result.overall);
  const hitRate = result.overall.prefixCacheHitRate;
  const bound = result.prefixCacheHitRateBound;
  const hitRateShareOfBound = hitRate === null || bound <= 0 ? null : hitRate / bound;
  const met = {
    ttft: ttftP90Improvement !== null && ttftP90Improvement >= goal.ttftP90Improvement,
    throughput: throughputRatio !== null && throughputRatio >= goal.throughputRatio,
    noFailures: failed === 0,
    hitRate: hitRateShareOfBound !== null && hitRateShareOfBound >= goal.hitRateShareOfBound,
  };
  return {
    strategy: result.strategy,
    ttftP90Ms,
    ttftP90Improvement,
    throughputRatio,
    failed,
    hitRate,
    hitRateBound: bound,
    hitRateShareOfBound,
    met: { ...met, all: met.ttft && met.throughput && met.noFailures && met.hitRate },
  };
}

/** The goals for every strategy of a workload against `baseline`; null when the baseline did not run. */
export function checkGoals(workload: WorkloadResult, baseline: string): GoalCheck | null {
  const base = workload.strategies.find((result) => result.strategy === baseline);
  if (base === undefined || base.stages.length === 0) return null;
  const factors = slowdowns(base.stages);
  const stage = factors.findIndex(
    (factor, index) => index > 0 && factor !== null && factor >= goal.baselineSlowdown,
  );
  let mostLoaded: GoalCheck['mostLoaded'] = null;
  for (let index = 1; index < factors.length; index++) {
    const factor = factors[index];
    if (factor !== null && (mostLoaded === null || factor > mostLoaded.slowdown))
      mostLoaded = { stage: index, qps: workload.stages[index].qps, slowdown: factor };
  }
  const loadStage = stage < 0 ? null : stage;
  return {
    baseline,
    unloaded: { qps: workload.stages[0].qps, ttftP90Ms: base.stages[0].ttftMs.p90 },
    loadPoint:
      loadStage === null
        ? null
        : {
            stage: loadStage,
            qps: workload.stages[loadStage].qps,
            ttftP90Ms: base.stages[loadStage].ttftMs.p90 ?? 0,
            slowdown: factors[loadStage] ?? 0,
          },
    mostLoaded: loadStage === null ? mostLoaded : null,
    strategies: workload.strategies
      .filter((result) => result !== base)
      .map((result) => strategyGoals(result, base, loadStage)),
  };
}
