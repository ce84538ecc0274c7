// The plugin types Sluice ships, under the names the Inference Extension and llm-d use.

import { saturationFilter } from './filters/saturation.ts';
import { maxScorePicker } from './pickers/max-score.ts';
import { randomPicker } from './pickers/random.ts';
import { roundRobinPicker } from './pickers/round-robin.ts';
import { weightedRandomPicker } from './pickers/weighted-random.ts';
import type { PluginType } from './registry.ts';
import { activeRequestScorer } from './scorers/active-request.ts';
import { kvCacheUtilizationScorer } from './scorers/kv-cache-utilization.ts';
import { loraAffinityScorer } from './scorers/lora-affinity.ts';
import { prefixCacheScorer } from './scorers/prefix-cache.ts';
import { queueScorer } from './scorers/queue.ts';
import { runningRequestsScorer } from './scorers/running-requests.ts';

/** Sluice runs one scheduling profile per pick; the handler exists so upstream configs that name it load. */
const singleProfileHandler: PluginType = {
  type: 'single-profile-handler',
  kinds: ['profile-handler'],
  configure(parameters) {
    parameters.done('single-profile-handler');
    return (name) => ({ type: 'single-profile-handler', name });
  },
};

export const builtinPluginTypes: readonly PluginType[] = [
  queueScorer,
  runningRequestsScorer,
  kvCacheUtilizationScorer,
  prefixCacheScorer,
  loraAffinityScorer,
  activeRequestScorer,
  saturationFilter,
  maxScorePicker,
  randomPicker,
  weightedRandomPicker,
  roundRobinPicker,
  singleProfileHandler,
];
