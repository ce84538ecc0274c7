// `token-load-scorer`: prefers endpoints with fewer tokens in flight from this picker
// (score = 1 − min(1, tokens / queueThresholdTokens)).
//
// Request counts treat a 100-token question and a 30k-token document alike; the tokens a picker has sent
// and not yet seen finish (estimated prompt plus requested completion) measure the work an endpoint still
// has to do, and move on every pick rather than once per scrape.

import type { PluginType } from '../registry.ts';

/** Upstream's default: 128 requests of 32k tokens. */
export const defaultQueueThresholdTokens = 4_194_304;

export const tokenLoadScorer: PluginType = {
  type: 'token-load-scorer',
  kinds: ['scorer'],
  configure(parameters) {
    // 0 means the default, as upstream reads an unset or non-positive threshold.
    const threshold =
      parameters.integer('queueThresholdTokens', defaultQueueThresholdTokens) || defaultQueueThresholdTokens;
    parameters.done('token-load-scorer');
    return (name) => ({
      type: 'token-load-scorer',
      name,
      score: (_request, endpoints) =>
        endpoints.map(({ inFlight }) => 1 - Math.min(1, Math.max(0, inFlight.tokens) / threshold)),
    });
  },
};
