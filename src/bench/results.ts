// The shape of a benchmark's results (results.json): settings, machine, and per workload and strategy the
// figures overall and per stage, with their ratios to the baseline.

import type { Figures, Ratios } from './figures.ts';
import type { GoalCheck } from './goals.ts';
import type { Stage } from './workload.ts';

export interface StrategyResult {
  strategy: string;
  /** Where the picker configuration came from, and its text ('' = Sluice's default profile). */
  source: string;
  pickerConfig: string;
  /** 1-, 5- and 15-minute load averages when the run started and ended. */
  loadAverage: { before: number[]; after: number[] };
  /**
   * Processor seconds each process used during the run, and the run's wall seconds to read them against
   * (null where unknown; an in-process fleet's time is inside the benchmark's own).
   */
  cpuSeconds: { gateway: number | null; replicas: number | null; benchmark: number | null; wall: number };
  overall: Figures;
  stages: Figures[];
  /** Figures ÷ the baseline's; null for the baseline itself or when it did not run. */
  ratios: { overall: Ratios; stages: (Ratios | null)[] } | null;
  /** The best hit rate these prompts allow (one replica that never evicts); see hit-bound.ts. */
  prefixCacheHitRateBound: number;
}

export interface WorkloadResult {
  name: string;
  parameters: Readonly<Record<string, unknown>>;
  stages: Stage[];
  plannedRequests: number;
  strategies: StrategyResult[];
  /** Issue 5's goals against the baseline (see goals.ts); null when the baseline did not run. */
  goals: GoalCheck | null;
}

export interface BenchResults {
  tool: 'sluice bench';
  /** The command line, as typed. */
  command: string;
  startedAt: string;
  finishedAt: string;
  wallSeconds: number;
  machine: {
    cpus: number;
    cpuModel: string;
    node: string;
    loadAverageBefore: number[];
    loadAverageAfter: number[];
  };
  settings: {
    replicas: number;
    profile: string;
    numGpuBlocks: number | null;
    maxLoras: number | null;
    timeScale: number;
    fleet: string;
    seed: number;
    requestTimeoutSeconds: number;
    baseline: string;
    /** The baseline ran first and stopped raising QPS at the goal's load point. */
    sweep: boolean;
  };
  workloads: WorkloadResult[];
  /** Why the run stopped early (deadline, interrupted); absent when it ran to the end. */
  stoppedEarly?: string;
}
