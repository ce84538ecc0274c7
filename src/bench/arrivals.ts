// Poisson arrivals in QPS stages, each stage offering exactly its rate: a stage of rate λ and length T holds
// round(λ·T) arrivals at uniformly random times — a Poisson process conditioned on its count, so the gaps
// are as random as a Poisson process's, without a short stage drawing far more or fewer requests than asked.

import type { SeededRandom } from '../sim/random.ts';
import type { Stage } from './workload.ts';

export interface Arrival {
  stage: number;
  /** Simulated milliseconds since the stage began. */
  atMs: number;
}

/** Every arrival of every stage, in order. */
export function poissonArrivals(stages: readonly Stage[], random: SeededRandom): Arrival[] {
  return stages.flatMap((stage, index) =>
    Array.from(
      { length: Math.round((stage.qps * stage.durationMs) / 1000) },
      () => random.next() * stage.durationMs,
    )
      .sort((a, b) => a - b)
      .map((atMs) => ({ stage: index, atMs })),
  );
}

/** Stages of `durationMs` each at the given rates. */
export function qpsStages(qps: readonly number[], durationMs: number): Stage[] {
  return qps.map((rate) => ({ qps: rate, durationMs }));
}
