// `max-score-picker`: the highest total scores first; equal scores are ordered at random so ties spread.

import type { PluginType } from '../registry.ts';
import { maxNumOfEndpoints, shuffle } from './common.ts';

export const maxScorePicker: PluginType = {
  type: 'max-score-picker',
  kinds: ['picker'],
  configure(parameters) {
    const count = maxNumOfEndpoints(parameters, 'max-score-picker');
    return (name) => ({
      type: 'max-score-picker',
      name,
      pick: (scored) =>
        shuffle([...scored])
          .sort((a, b) => b.score - a.score)
          .slice(0, count)
          .map((candidate) => candidate.endpoint),
    });
  },
};
