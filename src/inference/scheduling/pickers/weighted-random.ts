// `weighted-random-picker`: random endpoints with probability proportional to their total score.
//
// Weighted sampling without replacement (Efraimidis–Spirakis A-Res): each candidate draws u ∈ (0, 1) and
// gets key u^(1/score); the largest keys win. Candidates scoring 0 come last; all zero is uniform.

import type { PluginType } from '../registry.ts';
import { maxNumOfEndpoints, shuffle } from './common.ts';

export const weightedRandomPicker: PluginType = {
  type: 'weighted-random-picker',
  kinds: ['picker'],
  configure(parameters) {
    const count = maxNumOfEndpoints(parameters, 'weighted-random-picker');
    return (name) => ({
      type: 'weighted-random-picker',
      name,
      pick(scored) {
        const keyed = shuffle(
          scored.map((candidate) => ({
            endpoint: candidate.endpoint,
            key: candidate.score > 0 ? (Math.random() || Number.MIN_VALUE) ** (1 / candidate.score) : 0,
          })),
        );
        return keyed
          .sort((a, b) => b.key - a.key)
          .slice(0, count)
          .map((candidate) => candidate.endpoint);
      },
    });
  },
};
