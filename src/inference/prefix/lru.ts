// The blocks one endpoint probably holds, least recently used first, each with the recency stamp of its
// last touch.
//
// Blocks sit in slots, linked from the oldest to the newest; a BlockTable finds a block's slot, and one
// typed array holds each slot's stamp and links side by side, so a slot is read in one place. Touching a
// block already held moves links; the table only changes when a block comes or goes. (A Map used as the
// LRU itself — delete, then set again, to move an entry to the end — leaves a hole per touch, and a
// request touches hundreds of blocks.)
//
// A request touches its whole chain, and the part an earlier request of the same prefix touched is
// usually still one stretch of the list, head newest: `touchChain` follows that stretch through the links
// and moves it in one piece, instead of looking each block up.

import { absent, BlockTable } from './block-table.ts';
import type { BlockHash } from './hash.ts';

/** No slot: the end of the list (the same −1 the table answers for a block it does not hold). */
const none = absent;
const initialSlots = 1024;
/** Per slot in `#cells`: its stamp, then the slots towards the oldest and the newest (or `none`). */
const stride = 3;
const stampAt = 0;
const olderAt = 1;
const newerAt = 2;

export class BlockLru {
  readonly #slots = new BlockTable();
  /** The block in each slot. */
  #blocks = new Int32Array(initialSlots);
  /** Slots ever used: the next fresh one. */
  #used = 0;
  #cells = new Float64Array(initialSlots * stride);
  #oldest = none;
  #newest = none;
  /** Slots of dropped blocks, used again before the arrays grow. */
  readonly #free: number[] = [];

  get size(): number {
    return this.#slots.size;
  }

  has(block: BlockHash): boolean {
    return this.#slots.get(block) !== absent;
  }

  /** The stamp of `block`'s last touch, or undefined when it is not held. */
  stamp(block: BlockHash): number | undefined {
    const slot = this.#slots.get(block);
    return slot === absent ? undefined : this.#cells[slot * stride + stampAt];
  }

  /**
   * Makes `block` the most recently used, stamped `stamp` (stamps must grow from touch to touch). Returns
   * its stamp before, 0 when it was not held.
   */
  touch(block: BlockHash, stamp: number): number {
    let slot = this.#slots.get(block);
    let previous = 0;
    if (slot === absent) {
      slot = this.#allocate();
      this.#blocks[slot] = block;
      this.#slots.set(block, slot);
      this.#link(slot, slot);
    } else {
      previous = this.#cells[slot * stride + stampAt];
      if (slot !== this.#newest) {
        this.#unlink(slot, slot);
        this.#link(slot, slot);
      }
    }
    this.#cells[slot * stride + stampAt] = stamp;
    return previous;
  }

  /**
   * Touches `chain` (a request's blocks, head first) last block first, stamping them `after + 1` …
   * `after + chain.length`: the same as `touch` on each block from the last to the first, head newest.
   * `previous`, when given, receives each block's stamp from before (0 where it was not held).
   */
  touchChain(chain: readonly BlockHash[], after: number, previous?: number[]): void {
    const count = chain.length;
    if (previous !== undefined) previous.length = count;
    // The leading run that already lies in the list as one stretch, head newest: its oldest slot.
    let run = 0;
    let runOldest = none;
    const head = count > 0 ? this.#slots.get(chain[0]) : absent;
    for (let slot = head; slot !== none && run < count && this.#blocks[slot] === chain[run]; run++) {
      runOldest = slot;
      slot = this.#cells[slot * stride + olderAt];
    }
    // The rest, one by one and last first: each becomes the newest, so all end up just older than the run.
    for (let i = count - 1; i >= run; i--) {
      const before = this.touch(chain[i], after + count - i);
      if (previous !== undefined) previous[i] = before;
    }
    if (run === 0) return;
    if (head !== this.#newest) {
      this.#unlink(runOldest, head);
      this.#link(runOldest, head);
    }
    for (let i = 0, slot = head; i < run; i++) {
      const cell = slot * stride;
      if (previous !== undefined) previous[i] = this.#cells[cell + stampAt];
      this.#cells[cell + stampAt] = after + count - i;
      slot = this.#cells[cell + olderAt];
    }
  }

  /** The stamp of the least recently used block, or undefined when empty. */
  oldestStamp(): number | undefined {
    return this.#oldest === none ? undefined : this.#cells[this.#oldest * stride + stampAt];
  }

  /** Drops the least recently used block and returns it (undefined when empty). */
  dropOldest(): BlockHash | undefined {
    const slot = this.#oldest;
    if (slot === none) return undefined;
    this.#unlink(slot, slot);
    const block = this.#blocks[slot];
    this.#slots.delete(block);
    this.#free.push(slot);
    return block;
  }

  #allocate(): number {
    const reused = this.#free.pop();
    if (reused !== undefined) return reused;
    const slot = this.#used++;
    if (slot === this.#blocks.length) {
      const blocks = new Int32Array(slot * 2);
      blocks.set(this.#blocks);
      this.#blocks = blocks;
      const cells = new Float64Array(this.#cells.length * 2);
      cells.set(this.#cells);
      this.#cells = cells;
    }
    return slot;
  }

  /** Appends the stretch `oldest` … `newest` (linked among themselves) as the newest. */
  #link(oldest: number, newest: number): void {
    const cells = this.#cells;
    cells[oldest * stride + olderAt] = this.#newest;
    cells[newest * stride + newerAt] = none;
    if (this.#newest === none) this.#oldest = oldest;
    else cells[this.#newest * stride + newerAt] = oldest;
    this.#newest = newest;
  }

  /** Takes the stretch `oldest` … `newest` out of the list; its inner links stay. */
  #unlink(oldest: number, newest: number): void {
    const cells = this.#cells;
    const older = cells[oldest * stride + olderAt];
    const newer = cells[newest * stride + newerAt];
    if (older === none) this.#oldest = newer;
    else cells[older * stride + newerAt] = newer;
    if (newer === none) this.#newest = older;
    else cells[newer * stride + olderAt] = older;
  }
}
