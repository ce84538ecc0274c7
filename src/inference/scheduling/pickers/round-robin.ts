// `round-robin-picker`: each pick starts one candidate further along, scores ignored — the load-blind
// baseline that benchmarks compare the scheduling profiles against.

import type { PluginType } from '../registry.ts';
import { maxNumOfEndpoints } from './common.ts';

export const roundRobinPicker: PluginType = {
  type: 'round-robin-picker',
  kinds: ['picker'],
  configure(parameters) {
    const count = maxNumOfEndpoints(parameters, 'round-robin-picker');
    return (name) => {
      let next = 0;
      return {
        type: 'round-robin-picker',
        name,
        pick(scored) {
          if (scored.length === 0) return [];
          const start = next % scored.length;
          next = start + 1;
          const picked = [];
          for (let i = 0; i < Math.min(count, scored.length); i++)
            picked.push(scored[(start + i) % scored.length].endpoint);
          return picked;
        },
      };
    };
  },
};
