// `queue-scorer`: prefers endpoints with shorter engine waiting queues (min-max over the candidates).

import type { PluginType } from '../registry.ts';
import { inverseMinMax } from './normalize.ts';

export const queueScorer: PluginType = {
  type: 'queue-scorer',
  kinds: ['scorer'],
  configure(parameters) {
    parameters.done('queue-scorer');
    return (name) => ({
      type: 'queue-scorer',
      name,
      score: (_request, endpoints) =>
        inverseMinMax(endpoints.map((endpoint) => endpoint.metrics.waitingQueueSize)),
    });
  },
};
