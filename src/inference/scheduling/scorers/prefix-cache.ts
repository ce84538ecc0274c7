// `prefix-cache-scorer`: prefers endpoints that probably hold the longest leading part of the prompt in
// their KV cache, learnt from where earlier requests were sent (the approximate prefix index) and, with
// `learnFromCachedTokens`, corrected by the cached tokens each response reports.

import type { Endpoint } from '../../datalayer/endpoint.ts';
import { type Prediction, PrefixFeedback } from '../../prefix/feedback.ts';
import { type BlockHash, charactersPerToken, prefixBlockHashes } from '../../prefix/hash.ts';
import { defaultLruCapacityPerEndpoint, PrefixIndex } from '../../prefix/index.ts';
import type { PluginType } from '../registry.ts';
import type { CycleState } from '../types.ts';

export const prefixCacheDefaults = {
  autoTune: true,
  blockSizeTokens: 16,
  maxPrefixBlocksToMatch: 256,
  maxPrefixTokensToMatch: 0,
  lruCapacityPerServer: defaultLruCapacityPerEndpoint,
  learnFromCachedTokens: false,
};

/**
 * What a prefix-cache-scorer leaves in the cycle state for the plugins scored after it (prefill-load-scorer):
 * how many leading characters of the prompt each endpoint probably holds.
 */
export const prefixMatchKey = 'prefix-cache/match';
export type PrefixMatch = ReadonlyMap<string, number>;

interface PrefixState {
  hashes: BlockHash[];
  blockChars: number;
  lengths: Map<string, number>;
  /** Set when the chain is recorded on the primary endpoint and responses are checked. */
  prediction?: Prediction;
}

export const prefixCacheScorer: PluginType = {
  type: 'prefix-cache-scorer',
  kinds: ['scorer'],
  configure(parameters) {
    const autoTune = parameters.boolean('autoTune', prefixCacheDefaults.autoTune);
    const blockSizeTokens = parameters.integer('blockSizeTokens', prefixCacheDefaults.blockSizeTokens, 1);
    const maxBlocks = parameters.integer(
      'maxPrefixBlocksToMatch',
      prefixCacheDefaults.maxPrefixBlocksToMatch,
      1,
    );
    const maxTokens = parameters.integer(
      'maxPrefixTokensToMatch',
      prefixCacheDefaults.maxPrefixTokensToMatch,
    );
    const capacity = parameters.integer('lruCapacityPerServer', prefixCacheDefaults.lruCapacityPerServer, 1);
    const learn = parameters.boolean('learnFromCachedTokens', prefixCacheDefaults.learnFromCachedTokens);
    parameters.done('prefix-cache-scorer');

    return (name) => {
      const index = new PrefixIndex(capacity);
      const feedback = new PrefixFeedback(index);
      const stateKey = `prefix-cache-scorer/${name}`;
      // With autoTune the engine's own block size and block count (vLLM's cache_config_info) size the
      // hashing blocks and each endpoint's LRU, so the index mirrors the real cache geometry.
      const blockTokens = (endpoints: readonly Endpoint[]) => {
        const reported = endpoints[0]?.metrics.cacheBlockSize ?? 0;
        return autoTune && reported > 0 ? reported : blockSizeTokens;
      };
      const engineBlocks = (endpoint: Endpoint) => {
        const reported = endpoint.metrics.cacheNumBlocks;
        return autoTune && reported > 0 ? reported : undefined;
      };
      const stateOf = (cycle: CycleState) => cycle.get(stateKey) as PrefixState | undefined;

      return {
        type: 'prefix-cache-scorer',
        name,
        score(request, endpoints, cycle) {
          const tokens = blockTokens(endpoints);
          const blockChars = tokens * charactersPerToken;
          const hashes = prefixBlockHashes(
            request.prompt,
            request.targetModel,
            {
              blockChars,
              maxBlocks: maxTokens > 0 ? Math.max(1, Math.floor(maxTokens / tokens)) : maxBlocks,
            },
            request.cacheSalt,
          );
          const lengths = hashes.length === 0 ? new Map<string, number>() : index.matchLengths(hashes);
          cycle.set(stateKey, { hashes, blockChars, lengths } satisfies PrefixState);
          const match: PrefixMatch = new Map(
            [...lengths].map(([id, blocks]) => [id, Math.min(request.prompt.length, blocks * blockChars)]),
          );
          cycle.set(prefixMatchKey, match);
          if (hashes.length === 0) return endpoints.map(() => 0);
          return endpoints.map((endpoint) => (lengths.get(endpoint.id) ?? 0) / hashes.length);
        },
        preRequest(_request, result, cycle) {
          const primary = result.profileResults[result.primaryProfile]?.endpoints[0];
          const state = stateOf(cycle);
          if (primary === undefined || state === undefined || state.hashes.length === 0) return;
          const stamps: number[] | undefined = learn ? [] : undefined;
          const before = index.add(primary.id, state.hashes, engineBlocks(primary), stamps);
          if (!learn) return;
          state.prediction = feedback.predict(
            primary.id,
            state.hashes,
            state.lengths.get(primary.id) ?? 0,
            state.blockChars,
            stamps,
          );
          feedback.recorded(state, primary.id, before);
        },
        responseFirstChunk(_request, _result, cycle) {
          const state = stateOf(cycle);
          if (state?.prediction !== undefined) feedback.settled(state, state.prediction.endpoint);
        },
        responseComplete(request, result, outcome, cycle) {
          const state = stateOf(cycle);
          if (state === undefined || state.hashes.length === 0) return;
          const prediction = state.prediction;
          if (prediction !== undefined) feedback.settled(state, prediction.endpoint);
          const primary = result.profileResults[result.primaryProfile]?.endpoints[0];
          const served = outcome.servedEndpoint;
          // A fallback that answered now holds the prompt's blocks as well.
          if (served !== undefined && served !== primary)
            index.add(served.id, state.hashes, engineBlocks(served));
          const ok = outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;
          if (
            prediction !== undefined &&
            ok &&
            served?.id === prediction.endpoint &&
            outcome.promptTokens !== undefined &&
            outcome.cachedTokens !== undefined
          )
            feedback.check(prediction, request.prompt.length, outcome.promptTokens, outcome.cachedTokens);
        },
        endpointRemoved(endpoint) {
          index.removeEndpoint(endpoint.id);
          feedback.endpointRemoved(endpoint.id);
        },
        indexSize() {
          return index.size();
        },
      };
    };
  },
};
