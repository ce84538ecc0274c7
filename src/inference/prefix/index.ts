// The approximate prefix-cache index: which endpoints probably hold which prompt blocks in their KV cache.
//
// It is learnt from routing decisions only (a request's blocks are recorded on the endpoint it was sent
// to), with an LRU of block hashes per endpoint bounded like the engine's own cache, so entries the
// engine would have evicted fall out of the index too.

export const defaultLruCapacityPerEndpoint = 31_250;

export class PrefixIndex {
  readonly #defaultCapacity: number;
  /** hash → endpoints that hold it. */
  readonly #holders = new Map<string, Set<string>>();
  /** endpoint → its hashes, least recently used first (Map keeps insertion order). */
  readonly #lru = new Map<string, { capacity: number; hashes: Map<string, true> }>();

  constructor(defaultCapacity = defaultLruCapacityPerEndpoint) {
    this.#defaultCapacity = defaultCapacity;
  }

  /**
   * Records that `endpoint` now holds `hashes` (a request's chain). `capacity` (the engine's GPU block
   * count, when known) sizes the endpoint's LRU the first time it is seen.
   */
  add(endpoint: string, hashes: readonly string[], capacity?: number): void {
    if (hashes.length === 0) return;
    let lru = this.#lru.get(endpoint);
    if (lru === undefined) {
      lru = {
        capacity: capacity !== undefined && capacity > 0 ? capacity : this.#defaultCapacity,
        hashes: new Map(),
      };
      this.#lru.set(endpoint, lru);
    }
    // Last block first, so the head of the chain ends up most recently used: a prefix is only useful
    // from its start, and an engine likewise frees a request's tail blocks before its shared head.
    for (let i = hashes.length - 1; i >= 0; i--) {
      const block = hashes[i];
      lru.hashes.delete(block);
      lru.hashes.set(block, true);
      let holders = this.#holders.get(block);
      if (holders === undefined) {
        holders = new Set();
        this.#holders.set(block, holders);
      }
      holders.add(endpoint);
    }
    while (lru.hashes.size > lru.capacity) {
      const oldest = lru.hashes.keys().next().value as string;
      lru.hashes.delete(oldest);
      this.#release(oldest, endpoint);
    }
  }

  /**
   * For each endpoint holding the first block, how many leading blocks of `hashes` it holds without a
   * gap. The walk stops at the first block no such endpoint holds.
   */
  matchLengths(hashes: readonly string[]): Map<string, number> {
    const lengths = new Map<string, number>();
    for (let i = 0; i < hashes.length; i++) {
      const holders = this.#holders.get(hashes[i]);
      if (holders === undefined) break;
      let extended = false;
      for (const endpoint of holders) {
        if ((lengths.get(endpoint) ?? 0) === i) {
          lengths.set(endpoint, i + 1);
          extended = true;
        }
      }
      if (!extended) break;
    }
    return lengths;
  }

  /** Forgets an endpoint that left the pool. */
  removeEndpoint(endpoint: string): void {
    const lru = this.#lru.get(endpoint);
    if (lru === undefined) return;
    for (const block of lru.hashes.keys()) this.#release(block, endpoint);
    this.#lru.delete(endpoint);
  }

  /** Blocks recorded for an endpoint (all endpoints when omitted). */
  size(endpoint?: string): number {
    if (endpoint !== undefined) return this.#lru.get(endpoint)?.hashes.size ?? 0;
    let total = 0;
    for (const lru of this.#lru.values()) total += lru.hashes.size;
    return total;
  }

  #release(block: string, endpoint: string): void {
    const holders = this.#holders.get(block);
    if (holders === undefined) return;
    holders.delete(endpoint);
    if (holders.size === 0) this.#holders.delete(block);
  }
}
