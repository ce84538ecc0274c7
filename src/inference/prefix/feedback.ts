// Keeps the approximate prefix index honest: every response's `cached_tokens` says how much of the prompt
// the engine really found in its cache; when that falls short of what the index promised, the engine has
// evicted blocks the index still lists, and the index forgets them and everything older on that endpoint.
//
// A shortfall is only evidence of eviction when the missing block had been computed. A block recorded by a
// request still in prefill (no first token yet) may simply not exist yet — vLLM does not share blocks
// between requests scheduled in the same step — so such shortfalls are ignored: the index tracks, per
// endpoint, the recency stamp from which blocks may still be pending.

import type { BlockHash } from './hash.ts';
import type { PrefixIndex } from './index.ts';

/** What the index promised for one request on the endpoint it was sent to, taken before recording it. */
export interface Prediction {
  endpoint: string;
  /** Leading blocks of the request's chain the endpoint held. */
  matched: number;
  /** Blocks in the request's chain (the text hashed, at most `maxPrefixBlocksToMatch`). */
  blocks: number;
  blockChars: number;
  /** The recency stamp of each matched block before this request touched them again. */
  stamps: number[];
  /** Blocks stamped above this may have been recorded by a request still in prefill. */
  pendingFrom: number;
}

/** What a response told the index. */
export type Verdict = 'shortfall' | 'unproven-shortfall' | 'held' | 'unknown';

/** Whole blocks of shortfall tolerated before a response counts as one: tokens and characters differ. */
function tolerance(matched: number): number {
  return Math.max(2, Math.ceil(matched * 0.1));
}

export class PrefixFeedback {
  readonly #index: PrefixIndex;
  /** endpoint → (request key → the endpoint's touch count before its chain was recorded), oldest first. */
  readonly #pending = new Map<string, Map<object, number>>();

  constructor(index: PrefixIndex) {
    this.#index = index;
  }

  /**
   * Before `hashes` are recorded on `endpoint` for a request: what the index promises there. `stamps` are
   * the blocks' stamps from before the recording when the caller has them (`PrefixIndex.add` gives them);
   * otherwise they are read from the index, which must not have recorded the chain yet.
   */
  predict(
    endpoint: string,
    hashes: readonly BlockHash[],
    matched: number,
    blockChars: number,
    stamps?: readonly number[],
  ): Prediction {
    const pending = this.#pending.get(endpoint);
    const oldest = pending?.values().next().value;
    return {
      endpoint,
      matched,
      blocks: hashes.length,
      blockChars,
      stamps: stamps?.slice(0, matched) ?? this.#index.stamps(endpoint, hashes.slice(0, matched)),
      pendingFrom: oldest ?? Number.POSITIVE_INFINITY,
    };
  }

  /** The request's chain was recorded on `endpoint` above `stampBefore`; its prefill has not finished. */
  recorded(key: object, endpoint: string, stampBefore: number): void {
    let pending = this.#pending.get(endpoint);
    if (pending === undefined) {
      pending = new Map();
      this.#pending.set(endpoint, pending);
    }
    pending.set(key, stampBefore);
  }

  /** The request's prefill is over (first token) or it ended: its blocks exist or never will. */
  settled(key: object, endpoint: string): void {
    const pending = this.#pending.get(endpoint);
    if (pending === undefined) return;
    pending.delete(key);
    if (pending.size === 0) this.#pending.delete(endpoint);
  }

  /**
   * Reads a successful response against its prediction: `promptChars` is the length of the text hashed,
   * `promptTokens` and `cachedTokens` the engine's usage. A shortfall on a computed block makes the index
   * forget that block and everything older on the endpoint; a response that kept the promise lets the
   * endpoint's bound grow back by the request's blocks.
   */
  check(prediction: Prediction, promptChars: number, promptTokens: number, cachedTokens: number): Verdict {
    if (promptTokens <= 0 || promptChars <= 0 || cachedTokens < 0) return 'unknown';
    const { endpoint, matched, blocks, blockChars, stamps } = prediction;
    // The engine counts tokens; the index counts characters of the same text. This request's own ratio
    // converts one into the other.
    const cachedBlocks = Math.min(
      blocks,
      Math.floor((cachedTokens * (promptChars / promptTokens)) / blockChars),
    );
    if (matched - cachedBlocks <= tolerance(matched)) {
      this.#index.grow(endpoint, blocks);
      return 'held';
    }
    // The first block the engine did not have: it and everything less recently used are gone.
    const missing = stamps[Math.max(0, cachedBlocks)];
    if (missing === undefined || missing === 0 || missing > prediction.pendingFrom)
      return 'unproven-shortfall';
    this.#index.forgetThrough(endpoint, missing, blocks);
    return 'shortfall';
  }

  endpointRemoved(endpoint: string): void {
    this.#pending.delete(endpoint);
  }
}
