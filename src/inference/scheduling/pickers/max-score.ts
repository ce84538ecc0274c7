// `max-score-picker`: the highest total scores first; equal scores are ordered at random so ties spread.

import type { Endpoint } from '../../datalayer/endpoint.ts';
import type { PluginType } from '../registry.ts';
import type { ScoredEndpoint } from '../types.ts';
import { maxNumOfEndpoints, shuffle } from './common.ts';

/**
 * The highest total, a uniformly random one among equals: what shuffle-then-sort gives for one endpoint,
 * in one pass (the common case, `maxNumOfEndpoints` 1, on every request).
 */
function best(scored: readonly ScoredEndpoint[]): Endpoint[] {
  let chosen: ScoredEndpoint | undefined;
  let ties = 0;
  for (const candidate of scored) {
    if (chosen === undefined || candidate.score > chosen.score) {
      chosen = candidate;
      ties = 1;
    } else if (candidate.score === chosen.score && Math.random() * ++ties < 1) {
      chosen = candidate;
    }
  }
  return chosen === undefined ? [] : [chosen.endpoint];
}

export const maxScorePicker: PluginType = {
  type: 'max-score-picker',
  kinds: ['picker'],
  configure(parameters) {
    const count = maxNumOfEndpoints(parameters, 'max-score-picker');
    return (name) => ({
      type: 'max-score-picker',
      name,
      pick: (scored) =>
        count === 1
          ? best(scored)
          : shuffle([...scored])
              .sort((a, b) => b.score - a.score)
              .slice(0, count)
              .map((candidate) => candidate.endpoint),
    });
  },
};
