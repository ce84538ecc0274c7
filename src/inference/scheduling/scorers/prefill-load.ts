// `prefill-load-scorer`: prefers the endpoint where this request's first token would come soonest — the
// prefill work already waiting there plus the part of this prompt that endpoint would have to compute.
//
// Prefill dominates time to first token: an engine works through the uncached prompt tokens of the
// requests ahead at a roughly fixed rate, while a decoding request costs it little per step. So an
// endpoint's backlog is the uncached prompt tokens of the requests this picker sent there whose first
// token has not come yet; it moves on every pick and every first token, not once per metrics scrape. The
// request's own cost on an endpoint is its prompt minus the characters that endpoint probably holds, as the
// prefix-cache-scorer scored before this one left them in the cycle state (none without it), counted
// `uncachedWeight` times: tokens already waiting delay this request only, but the tokens it adds delay it
// and, under load, the requests that arrive behind it — a miss costs the pool more than its own wait.
//
//   cost = backlog + uncachedWeight × uncached        score = (min cost + baseTokens) / (cost + baseTokens)
//
// Prefix affinity therefore yields on its own: the endpoint holding a prefix wins while its backlog is
// smaller than the prefill the prefix saves (twice over by default), and loses to a cold endpoint once
// waiting there costs more.

import { charactersPerToken } from '../../prefix/hash.ts';
import type { PluginType } from '../registry.ts';
import type { CycleState } from '../types.ts';
import { type PrefixMatch, prefixMatchKey } from './prefix-cache.ts';

export const prefillLoadDefaults = {
  /** How many times a request's own uncached tokens count against the tokens already waiting. */
  uncachedWeight: 2,
  /** A request's fixed cost in prefill tokens (about one engine step): near-idle endpoints score alike. */
  baseTokens: 256,
};

/** The prompt tokens `endpoint` would have to compute: those past the characters it probably holds. */
function uncachedTokens(prompt: string, match: PrefixMatch | undefined, endpoint: string): number {
  return Math.max(0, prompt.length - (match?.get(endpoint) ?? 0)) / charactersPerToken;
}

interface PrefillState {
  /** Set once the request counts in an endpoint's backlog; cleared when it leaves it. */
  counted?: { endpoint: string; tokens: number };
}

export const prefillLoadScorer: PluginType = {
  type: 'prefill-load-scorer',
  kinds: ['scorer'],
  configure(parameters) {
    const uncachedWeight = parameters.number('uncachedWeight', prefillLoadDefaults.uncachedWeight, {
      min: 1,
    });
    const baseTokens = parameters.integer('baseTokens', prefillLoadDefaults.baseTokens, 1);
    parameters.done('prefill-load-scorer');
    return (name) => {
      /** endpoint → uncached prompt tokens of the requests sent there that have no first token yet. */
      const backlog = new Map<string, number>();
      const stateKey = `prefill-load-scorer/${name}`;
      const release = (cycle: CycleState) => {
        const state = cycle.get(stateKey) as PrefillState | undefined;
        const counted = state?.counted;
        if (state === undefined || counted === undefined) return;
        state.counted = undefined;
        const left = (backlog.get(counted.endpoint) ?? 0) - counted.tokens;
        if (left > 0) backlog.set(counted.endpoint, left);
        else backlog.delete(counted.endpoint);
      };
      return {
        type: 'prefill-load-scorer',
        name,
        score(request, endpoints, cycle) {
          const match = cycle.get(prefixMatchKey) as PrefixMatch | undefined;
          const costs = endpoints.map(
            (endpoint) =>
              (backlog.get(endpoint.id) ?? 0) +
              uncachedWeight * uncachedTokens(request.prompt, match, endpoint.id),
          );
          cycle.set(stateKey, {} satisfies PrefillState);
          const least = Math.min(...costs);
          return costs.map((cost) => (least + baseTokens) / (cost + baseTokens));
        },
        preRequest(request, result, cycle) {
          const primary = result.profileResults[result.primaryProfile]?.endpoints[0];
          const state = cycle.get(stateKey) as PrefillState | undefined;
          if (primary === undefined || state === undefined) return;
          // The prefix match the score used is still in the cycle state.
          const match = cycle.get(prefixMatchKey) as PrefixMatch | undefined;
          const tokens = uncachedTokens(request.prompt, match, primary.id);
          state.counted = { endpoint: primary.id, tokens };
          backlog.set(primary.id, (backlog.get(primary.id) ?? 0) + tokens);
        },
        responseFirstChunk: (_request, _result, cycle) => release(cycle),
        responseComplete: (_request, _result, _outcome, cycle) => release(cycle),
        endpointRemoved(endpoint) {
          backlog.delete(endpoint.id);
        },
      };
    };
  },
};
