// `prefix-cache-scorer`: prefers endpoints that probably hold the longest leading part of the prompt in
// their KV cache, learnt from where earlier requests were sent (the approximate prefix index).

import type { Endpoint } from '../../datalayer/endpoint.ts';
import { charactersPerToken, prefixBlockHashes } from '../../prefix/hash.ts';
import { defaultLruCapacityPerEndpoint, PrefixIndex } from '../../prefix/index.ts';
import type { PluginType } from '../registry.ts';
import type { CycleState } from '../types.ts';

export const prefixCacheDefaults = {
  autoTune: true,
  blockSizeTokens: 16,
  maxPrefixBlocksToMatch: 256,
  maxPrefixTokensToMatch: 0,
  lruCapacityPerServer: defaultLruCapacityPerEndpoint,
};

interface PrefixState {
  hashes: string[];
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
    parameters.done('prefix-cache-scorer');

    return (name) => {
      const index = new PrefixIndex(capacity);
      const stateKey = `prefix-cache-scorer/${name}`;
      // With autoTune the engine's own block size and block count (vLLM's cache_config_info) size the
      // hashing blocks and each endpoint's LRU, so the index mirrors the real cache geometry.
      const blockTokens = (endpoints: readonly Endpoint[]) => {
        const reported = endpoints[0]?.metrics.cacheBlockSize ?? 0;
        return autoTune && reported > 0 ? reported : blockSizeTokens;
      };
      const record = (endpoint: Endpoint, cycle: CycleState) => {
        const state = cycle.get(stateKey) as PrefixState | undefined;
        if (state === undefined) return;
        const reported = endpoint.metrics.cacheNumBlocks;
        index.add(endpoint.id, state.hashes, autoTune && reported > 0 ? reported : undefined);
      };

      return {
        type: 'prefix-cache-scorer',
        name,
        score(request, endpoints, cycle) {
          const tokens = blockTokens(endpoints);
          const hashes = prefixBlockHashes(
            request.prompt,
            request.targetModel,
            {
              blockChars: tokens * charactersPerToken,
              maxBlocks: maxTokens > 0 ? Math.max(1, Math.floor(maxTokens / tokens)) : maxBlocks,
            },
            request.cacheSalt,
          );
          cycle.set(stateKey, { hashes } satisfies PrefixState);
          if (hashes.length === 0) return endpoints.map(() => 0);
          const lengths = index.matchLengths(hashes);
          return endpoints.map((endpoint) => (lengths.get(endpoint.id) ?? 0) / hashes.length);
        },
        preRequest(_request, result, cycle) {
          const primary = result.profileResults[result.primaryProfile]?.endpoints[0];
          if (primary !== undefined) record(primary, cycle);
        },
        responseComplete(_request, result, outcome, cycle) {
          // A fallback that answered now holds the prompt's blocks as well.
          const primary = result.profileResults[result.primaryProfile]?.endpoints[0];
          if (outcome.servedEndpoint !== undefined && outcome.servedEndpoint !== primary)
            record(outcome.servedEndpoint, cycle);
        },
        endpointRemoved(endpoint) {
          index.removeEndpoint(endpoint.id);
        },
      };
    };
  },
};
