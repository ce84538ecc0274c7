// One scheduling profile run: filters narrow the candidates, weighted scorers rank them, the picker chooses.

import type { Endpoint } from '../datalayer/endpoint.ts';
import type {
  CycleState,
  Filter,
  Picker,
  ProfileResult,
  SchedulingRequest,
  ScoredEndpoint,
  Scorer,
} from './types.ts';

export interface Profile {
  name: string;
  filters: readonly Filter[];
  scorers: readonly { scorer: Scorer; weight: number }[];
  picker: Picker;
}

/** Why a profile produced no endpoint: the filter that removed the last candidates. */
export interface ProfileFailure {
  emptiedBy: string;
}

function clamp(score: number): number {
  return Number.isNaN(score) ? 0 : Math.min(1, Math.max(0, score));
}

export function runProfile(
  profile: Profile,
  request: SchedulingRequest,
  candidates: readonly Endpoint[],
  cycle: CycleState,
): ProfileResult | ProfileFailure {
  let remaining = candidates;
  for (const filter of profile.filters) {
    remaining = filter.filter(request, remaining, cycle);
    if (remaining.length === 0) return { emptiedBy: filter.name };
  }
  const scored: ScoredEndpoint[] = remaining.map((endpoint) => ({ endpoint, score: 0, scores: {} }));
  for (const { scorer, weight } of profile.scorers) {
    const scores = scorer.score(request, remaining, cycle);
    for (let i = 0; i < scored.length; i++) {
      // Scores are clamped to [0, 1] (NaN counts as 0) so one misbehaving scorer cannot dominate.
      const score = clamp(scores[i]);
      scored[i].scores[scorer.name] = score;
      scored[i].score += weight * score;
    }
  }
  return { endpoints: profile.picker.pick(scored, cycle), candidates: scored };
}
