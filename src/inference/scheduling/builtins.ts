// The plugin types Sluice ships, under the names the Inference Extension and llm-d use.

import { boundedLoadFilter } from './filters/bounded-load.ts';
import { headerBasedTestingFilter } from './filters/header-based-testing.ts';
import { byLabelSelectorFilter, labelSelectorFilter } from './filters/label-selector.ts';
import { saturationFilter } from './filters/saturation.ts';
import { maxScorePicker } from './pickers/max-score.ts';
import { randomPicker } from './pickers/random.ts';
import { roundRobinPicker } from './pickers/round-robin.ts';
import { weightedRandomPicker } from './pickers/weighted-random.ts';
import type { PluginType } from './registry.ts';
import { activeRequestScorer } from './scorers/active-request.ts';
import { kvCacheUtilizationScorer } from './scorers/kv-cache-utilization.ts';
import { loraAffinityScorer } from './scorers/lora-affinity.ts';
import { prefillLoadScorer } from './scorers/prefill-load.ts';
import { prefixCacheScorer } from './scorers/prefix-cache.ts';
import { queueScorer } from './scorers/queue.ts';
import { runningRequestsScorer } from './scorers/running-requests.ts';
import { sessionAffinityScorer } from './scorers/session-affinity.ts';
import { tokenLoadScorer } from './scorers/token-load.ts';

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
  prefillLoadScorer,
  sessionAffinityScorer,
  tokenLoadScorer,
  saturationFilter,
  boundedLoadFilter,
  headerBasedTestingFilter,
  labelSelectorFilter,
  byLabelSelectorFilter,
  maxScorePicker,
  randomPicker,
  weightedRandomPicker,
  roundRobinPicker,
  singleProfileHandler,
];
