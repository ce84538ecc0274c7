// The KV-cache block pool: fixed blocks, reference counts, a least-recently-freed queue, cached block hashes.
//
// Mirrors vLLM v1's BlockPool. Block 0 is the null block and never handed out, so usage is measured over
// `numBlocks - 1`. Blocks whose reference count drops to zero go to the tail of the free queue but keep
// their hash, so a later request can still hit them; new allocations take from the head, and taking a
// block that still carries a hash is what evicts it from the prefix cache (LRU over unreferenced blocks).

export interface Block {
  readonly id: number;
  refCount: number;
  /** Set while the block holds a full, hashed block of tokens that lookups may find. */
  hash: string | undefined;
  prev: Block | undefined;
  next: Block | undefined;
}

export class BlockPool {
  readonly numBlocks: number;
  readonly #blocks: Block[] = [];
  readonly #cached = new Map<string, Block>();
  #head: Block | undefined;
  #tail: Block | undefined;
  #numFree = 0;

  constructor(numBlocks: number) {
    if (!Number.isInteger(numBlocks) || numBlocks < 2)
      throw new RangeError(`need at least 2 KV blocks, not ${numBlocks}`);
    this.numBlocks = numBlocks;
    for (let id = 0; id < numBlocks; id++) {
      this.#blocks.push({ id, refCount: 0, hash: undefined, prev: undefined, next: undefined });
    }
    this.#blocks[0].refCount = 1;
    for (let id = 1; id < numBlocks; id++) this.#append(this.#blocks[id]);
  }

  get numFreeBlocks(): number {
    return this.#numFree;
  }

  /** Fraction of usable blocks referenced by requests; cached but unreferenced blocks count as free. */
  get usage(): number {
    return 1 - this.#numFree / (this.numBlocks - 1);
  }

  get numCachedBlocks(): number {
    return this.#cached.size;
  }

  cachedBlock(hash: string): Block | undefined {
    return this.#cached.get(hash);
  }

  /** Takes `count` blocks from the head of the free queue (oldest first), evicting their hashes. */
  allocate(count: number): Block[] {
    if (count > this.#numFree) throw new RangeError(`asked for ${count} blocks with ${this.#numFree} free`);
    const taken: Block[] = [];
    for (let i = 0; i < count; i++) {
      const block = this.#head as Block;
      this.#remove(block);
      if (block.hash !== undefined) {
        this.#cached.delete(block.hash);
        block.hash = undefined;
      }
      block.refCount = 1;
      taken.push(block);
    }
    return taken;
  }

  /** Takes a reference on prefix-cache hits, pulling unreferenced ones out of the free queue. */
  touch(blocks: readonly Block[]): void {
    for (const block of blocks) {
      if (block.refCount === 0) this.#remove(block);
      block.refCount++;
    }
  }

  /**
   * Drops one reference from each block, in the order given; blocks that reach zero join the free-queue
   * tail. Callers pass a request's blocks tail first, as vLLM does, so a prefix outlives its suffix.
   */
  release(blocks: readonly Block[]): void {
    for (const block of blocks) {
      block.refCount--;
      if (block.refCount === 0) this.#append(block);
    }
  }

  /** Registers a full block under its hash; a hash already held by another block leaves this one private. */
  cache(block: Block, hash: string): void {
    if (block.hash !== undefined || this.#cached.has(hash)) return;
    block.hash = hash;
    this.#cached.set(hash, block);
  }

  #append(block: Block): void {
    block.prev = this.#tail;
    block.next = undefined;
    if (this.#tail) this.#tail.next = block;
    else this.#head = block;
    this.#tail = block;
    this.#numFree++;
  }

  #remove(block: Block): void {
    if (block.prev) block.prev.next = block.next;
    else this.#head = block.next;
    if (block.next) block.next.prev = block.prev;
    else this.#tail = block.prev;
    block.prev = undefined;
    block.next = undefined;
    this.#numFree--;
  }
}
