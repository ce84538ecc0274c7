// `lora-affinity-scorer`: prefers endpoints where the requested LoRA adapter already runs, then those
// with a free adapter slot, then those where it is queued.

import type { PluginType } from '../registry.ts';

export const loraAffinityScorer: PluginType = {
  type: 'lora-affinity-scorer',
  kinds: ['scorer'],
  configure(parameters) {
    parameters.done('lora-affinity-scorer');
    return (name) => ({
      type: 'lora-affinity-scorer',
      name,
      score(request, endpoints) {
        return endpoints.map(({ metrics }) => {
          if (metrics.activeModels.has(request.targetModel)) return 1;
          if (metrics.activeModels.size + metrics.waitingModels.size < metrics.maxActiveModels) return 0.8;
          if (metrics.waitingModels.has(request.targetModel)) return 0.6;
          return 0;
        });
      },
    });
  },
};
