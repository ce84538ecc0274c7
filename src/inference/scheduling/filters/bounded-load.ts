// `bounded-load-filter`: no endpoint takes more than its share of the requests in flight — the bound of
// consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam 2018), so that no affinity, however
// strong, piles requests onto one replica.
//
// An endpoint is kept while, with this request, it would have at most (1 + epsilon) × the mean plus
// `slack` requests in flight from this picker (by default twice the mean plus 4). The bound is a safety
// net, not a balancer: most requests in flight are decoding and cost an engine little, while a prefix sent
// away from its holder costs a full prefill, so it only trips when one replica holds far more than its
// share; the slack keeps it from splitting a prefix's traffic when the pool has only a handful of
// requests. Counts are this picker's own, so they move on every pick; several gateways in front of one
// pool each bound their own share.

import type { PluginType } from '../registry.ts';

export const boundedLoadDefaults = { epsilon: 1, slack: 4 };

export const boundedLoadFilter: PluginType = {
  type: 'bounded-load-filter',
  kinds: ['filter'],
  configure(parameters) {
    const epsilon = parameters.number('epsilon', boundedLoadDefaults.epsilon, { min: 0 });
    const slack = parameters.number('slack', boundedLoadDefaults.slack, { min: 1 });
    parameters.done('bounded-load-filter');
    return (name) => ({
      type: 'bounded-load-filter',
      name,
      filter(_request, endpoints) {
        if (endpoints.length === 0) return endpoints;
        let total = 1;
        for (const endpoint of endpoints) total += endpoint.inFlight.requests;
        const bound = ((1 + epsilon) * total) / endpoints.length + slack;
        // With slack ≥ 1 the least loaded endpoint always fits (its load is at most the mean).
        return endpoints.filter((endpoint) => endpoint.inFlight.requests + 1 <= bound);
      },
    });
  },
};
