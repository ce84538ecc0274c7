// `running-requests-size-scorer`: prefers endpoints with fewer requests in the engine's running batch.

import type { PluginType } from '../registry.ts';
import { inverseMinMax } from './normalize.ts';

export const runningRequestsScorer: PluginType = {
  type: 'running-requests-size-scorer',
  kinds: ['scorer'],
  configure(parameters) {
    parameters.done('running-requests-size-scorer');
    return (name) => ({
      type: 'running-requests-size-scorer',
      name,
      score: (_request, endpoints) =>
        inverseMinMax(endpoints.map((endpoint) => endpoint.metrics.runningRequests)),
    });
  },
};
