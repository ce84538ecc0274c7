// The approximate prefix-cache index: which endpoints probably hold which prompt blocks in their KV cache.
//
// It is learnt from routing decisions (a request's blocks are recorded on the endpoint it was sent to),
// with an LRU of block hashes per endpoint bounded like the engine's own cache, so entries the engine
// would have evicted fall out of the index too. Because that bound is only an estimate (the engine also
// caches answers, holds running requests' blocks, and counts tokens where the index counts characters),
// the index can be corrected from what the engine reports: `forgetThrough` drops an endpoint's entries
// at least as old as a block it turned out not to hold, and lowers the endpoint's bound to what is left.
//
// Each endpoint's blocks are one LRU (lru.ts): a lookup finds whether an endpoint holds a block. Only the
// first blocks of chains are also kept by holder, so a match asks just the endpoints that hold the
// prompt's first block; a map from every block to its holders would cost more memory, and more
// garbage-collector time, than the blocks themselves.

import type { BlockHash } from './hash.ts';
import { BlockLru } from './lru.ts';

export const defaultLruCapacityPerEndpoint = 31_250;

interface EndpointBlocks {
  /** The bound the endpoint's LRU keeps to: its configured capacity, or less once corrected. */
  capacity: number;
  /** The configured capacity, which corrections never exceed. */
  ceiling: number;
  /** Counts every block touch on this endpoint; a block's value is the count when it was last touched. */
  touches: number;
  /** The blocks with their recency stamps, least recently used first (so stamps ascend). */
  hashes: BlockLru;
}

export class PrefixIndex {
  readonly #defaultCapacity: number;
  readonly #endpoints = new Map<string, EndpointBlocks>();
  /** The first block of each chain recorded → the endpoints that still hold it. */
  readonly #heads = new Map<BlockHash, Set<string>>();

  constructor(defaultCapacity = defaultLruCapacityPerEndpoint) {
    this.#defaultCapacity = defaultCapacity;
  }

  /**
   * Records that `endpoint` now holds `hashes` (a request's chain). `capacity` (the engine's GPU block
   * count, when known) sizes the endpoint's LRU the first time it is seen. Returns the endpoint's touch
   * count before the add: the chain's blocks are stamped above it. `previousStamps`, when given, receives
   * what `stamps` would have said just before (each block's stamp, 0 where it was not held), so a caller
   * that needs both does not look every block up twice.
   */
  add(endpoint: string, hashes: readonly BlockHash[], capacity?: number, previousStamps?: number[]): number {
    let blocks = this.#endpoints.get(endpoint);
    if (blocks === undefined) {
      const ceiling = capacity !== undefined && capacity > 0 ? capacity : this.#defaultCapacity;
      blocks = { capacity: ceiling, ceiling, touches: 0, hashes: new BlockLru() };
      this.#endpoints.set(endpoint, blocks);
    }
    const before = blocks.touches;
    // Last block first, so the head of the chain ends up most recently used: a prefix is only useful
    // from its start, and an engine likewise frees a request's tail blocks before its shared head.
    blocks.hashes.touchChain(hashes, before, previousStamps);
    blocks.touches += hashes.length;
    if (hashes.length > 0) {
      let holders = this.#heads.get(hashes[0]);
      if (holders === undefined) {
        holders = new Set();
        this.#heads.set(hashes[0], holders);
      }
      holders.add(endpoint);
    }
    this.#trim(endpoint, blocks);
    return before;
  }

  /**
   * For each endpoint holding the first block, how many leading blocks of `hashes` it holds.
   *
   * An endpoint holds a leading run of any chain and nothing after it: a chain's block i is only ever
   * touched together with blocks 0 … i − 1 (the hash of block i covers them), head last, so they are
   * always more recent than it, and blocks go least recently used first. The run's length is therefore
   * found by binary search — a handful of lookups where a walk would take one per block.
   */
  matchLengths(hashes: readonly BlockHash[]): Map<string, number> {
    const lengths = new Map<string, number>();
    if (hashes.length === 0) return lengths;
    for (const endpoint of this.#heads.get(hashes[0]) ?? []) {
      const held = this.#endpoints.get(endpoint)?.hashes;
      if (held === undefined) continue;
      // It holds blocks 0 … low − 1, and none from high on.
      let low = 1;
      let high = hashes.length + 1;
      while (high - low > 1) {
        const middle = (low + high) >>> 1;
        if (held.has(hashes[middle - 1])) low = middle;
        else high = middle;
      }
      lengths.set(endpoint, low);
    }
    return lengths;
  }

  /** The recency stamp of each of `hashes` on `endpoint` (0 where it holds none). */
  stamps(endpoint: string, hashes: readonly BlockHash[]): number[] {
    const blocks = this.#endpoints.get(endpoint)?.hashes;
    return hashes.map((hash) => blocks?.stamp(hash) ?? 0);
  }

  /**
   * The engine did not hold a block stamped `stamp`: it evicted it, and so (least recently used first)
   * everything older. Those entries go, and the endpoint's bound drops to what is left (never below
   * `floor`), so the index stops promising more than the engine keeps.
   */
  forgetThrough(endpoint: string, stamp: number, floor = 1): void {
    const blocks = this.#endpoints.get(endpoint);
    if (blocks === undefined) return;
    while ((blocks.hashes.oldestStamp() ?? Number.POSITIVE_INFINITY) <= stamp)
      this.#dropOldest(endpoint, blocks);
    blocks.capacity = Math.min(blocks.ceiling, Math.max(floor, blocks.hashes.size));
    this.#trim(endpoint, blocks);
  }

  /** The engine held what the index promised: the bound may grow back by `count`, up to the configured one. */
  grow(endpoint: string, count: number): void {
    const blocks = this.#endpoints.get(endpoint);
    if (blocks !== undefined) blocks.capacity = Math.min(blocks.ceiling, blocks.capacity + count);
  }

  /** The bound an endpoint's LRU keeps to now (undefined for an endpoint never seen). */
  capacity(endpoint: string): number | undefined {
    return this.#endpoints.get(endpoint)?.capacity;
  }

  /** Forgets an endpoint that left the pool. */
  removeEndpoint(endpoint: string): void {
    if (!this.#endpoints.delete(endpoint)) return;
    for (const [block, holders] of this.#heads)
      if (holders.delete(endpoint) && holders.size === 0) this.#heads.delete(block);
  }

  /** Blocks recorded for an endpoint (all endpoints when omitted). */
  size(endpoint?: string): number {
    if (endpoint !== undefined) return this.#endpoints.get(endpoint)?.hashes.size ?? 0;
    let total = 0;
    for (const blocks of this.#endpoints.values()) total += blocks.hashes.size;
    return total;
  }

  #trim(endpoint: string, blocks: EndpointBlocks): void {
    while (blocks.hashes.size > blocks.capacity) this.#dropOldest(endpoint, blocks);
  }

  #dropOldest(endpoint: string, blocks: EndpointBlocks): void {
    const block = blocks.hashes.dropOldest();
    if (block === undefined) return;
    const holders = this.#heads.get(block);
    if (holders?.delete(endpoint) && holders.size === 0) this.#heads.delete(block);
  }
}
