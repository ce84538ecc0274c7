// `kv-cache-utilization-scorer`: prefers endpoints with free KV-cache memory (score = 1 − utilisation).

import type { PluginType } from '../registry.ts';

export const kvCacheUtilizationScorer: PluginType = {
  type: 'kv-cache-utilization-scorer',
  kinds: ['scorer'],
  configure(parameters) {
    parameters.done('kv-cache-utilization-scorer');
    return (name) => ({
      type: 'kv-cache-utilization-scorer',
      name,
      score: (_request, endpoints) => endpoints.map((endpoint) => 1 - endpoint.metrics.kvCacheUsage),
    });
  },
};
