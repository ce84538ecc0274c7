// `random-picker`: uniformly random endpoints, scores ignored.

import type { PluginType } from '../registry.ts';
import { maxNumOfEndpoints, shuffle } from './common.ts';

export const randomPicker: PluginType = {
  type: 'random-picker',
  kinds: ['picker'],
  configure(parameters) {
    const count = maxNumOfEndpoints(parameters, 'random-picker');
    return (name) => ({
      type: 'random-picker',
      name,
      pick: (scored) => shuffle(scored.map((candidate) => candidate.endpoint)).slice(0, count),
    });
  },
};
