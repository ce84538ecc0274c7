// Request-level KV-cache management: the prefix hash chain, prefix-cache lookup, slot allocation and release.
//
// Mirrors vLLM v1's KVCacheManager. A block's hash covers its parent's hash, its token ids and the
// request's extra keys (LoRA name on every block, cache salt on the first), so a hit on block i implies
// hits on 0..i-1. Only full blocks are hashed; lookups stop one token short of the prompt because the
// last token must be recomputed to produce logits.

import { createHash } from 'node:crypto';
import type { Block, BlockPool } from './block-pool.ts';
import type { SimRequest } from './request.ts';

export interface PrefixHit {
  blocks: Block[];
  tokens: number;
}

const noHit: PrefixHit = { blocks: [], tokens: 0 };

export class KvCacheManager {
  readonly pool: BlockPool;
  readonly blockSize: number;
  readonly enableCaching: boolean;

  constructor(pool: BlockPool, blockSize: number, enableCaching: boolean) {
    this.pool = pool;
    this.blockSize = blockSize;
    this.enableCaching = enableCaching;
  }

  /** The longest run of cached leading blocks, capped so at least one prompt token is computed. */
  findCachedPrefix(request: SimRequest): PrefixHit {
    if (!this.enableCaching) return noHit;
    const maxBlocks = Math.floor((request.tokens.length - 1) / this.blockSize);
    this.#extendHashes(request, maxBlocks);
    const blocks: Block[] = [];
    for (let i = 0; i < maxBlocks; i++) {
      const block = this.pool.cachedBlock(request.blockHashes[i]);
      if (block === undefined) break;
      blocks.push(block);
    }
    return { blocks, tokens: blocks.length * this.blockSize };
  }

  /**
   * Gives `request` the blocks it needs to compute `numNewTokens` more tokens, taking references on
   * `hit` (a prefix-cache hit for a request being admitted). Returns false, changing nothing, when the
   * free blocks do not suffice; unreferenced hit blocks count against the free blocks they leave.
   */
  allocate(request: SimRequest, numNewTokens: number, hit: PrefixHit = noHit): boolean {
    const numComputed = request.numComputed + hit.tokens;
    const required = Math.ceil((numComputed + numNewTokens) / this.blockSize);
    const numNew = Math.max(0, required - request.blocks.length - hit.blocks.length);
    const evictableHits = hit.blocks.filter((block) => block.refCount === 0).length;
    if (numNew + evictableHits > this.pool.numFreeBlocks) return false;
    if (hit.blocks.length > 0) {
      this.pool.touch(hit.blocks);
      request.blocks.push(...hit.blocks);
      request.numHashedBlocks = request.blocks.length;
    }
    if (numNew > 0) request.blocks.push(...this.pool.allocate(numNew));
    this.#cacheFullBlocks(request, Math.min(numComputed + numNewTokens, request.tokens.length));
    return true;
  }

  /** Releases the request's blocks, tail first, so its prefix stays cached the longest. */
  free(request: SimRequest): void {
    this.pool.release([...request.blocks].reverse());
    request.blocks = [];
    request.numHashedBlocks = 0;
  }

  #cacheFullBlocks(request: SimRequest, numTokens: number): void {
    if (!this.enableCaching) return;
    const fullBlocks = Math.min(Math.floor(numTokens / this.blockSize), request.blocks.length);
    this.#extendHashes(request, fullBlocks);
    for (let i = request.numHashedBlocks; i < fullBlocks; i++)
      this.pool.cache(request.blocks[i], request.blockHashes[i]);
    request.numHashedBlocks = Math.max(request.numHashedBlocks, fullBlocks);
  }

  #extendHashes(request: SimRequest, numBlocks: number): void {
    const hashes = request.blockHashes;
    for (let i = hashes.length; i < numBlocks; i++) {
      const digest = createHash('sha256');
      digest.update(i === 0 ? 'root' : hashes[i - 1]);
      const tokens = Int32Array.from(request.tokens.slice(i * this.blockSize, (i + 1) * this.blockSize));
      digest.update(new Uint8Array(tokens.buffer));
      if (request.spec.lora !== undefined) digest.update(`\u0000lora:${request.spec.lora}`);
      if (i === 0 && request.spec.cacheSalt !== undefined)
        digest.update(`\u0000salt:${request.spec.cacheSalt}`);
      hashes.push(digest.digest('base64'));
    }
  }
}
