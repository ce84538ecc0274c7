// `active-request-scorer`: prefers endpoints with fewer requests this picker has sent and not yet seen end.
//
// Engine metrics lag by a scrape interval; a burst in between would all land on the endpoint that looked
// idle at the last scrape. Local in-flight counts move on every pick, so this scorer spreads such bursts.

import type { PluginType } from '../registry.ts';

export const activeRequestScorer: PluginType = {
  type: 'active-request-scorer',
  kinds: ['scorer'],
  configure(parameters) {
    const idleThreshold = parameters.integer('idleThreshold', 0);
    const maxBusyScore = parameters.number('maxBusyScore', 1, { min: 0, max: 1 });
    parameters.done('active-request-scorer');
    return (name) => ({
      type: 'active-request-scorer',
      name,
      score(_request, endpoints) {
        const counts = endpoints.map((endpoint) => endpoint.inFlight.requests);
        const max = Math.max(0, ...counts);
        // Idle endpoints score 1; busy ones are scaled into [0, maxBusyScore], the busiest lowest.
        return counts.map((count) => (count <= idleThreshold ? 1 : ((max - count) / max) * maxBusyScore));
      },
    });
  },
};
