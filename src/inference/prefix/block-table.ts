// A hash table from block hashes to small integers (an LRU's slots), in one Int32Array.
//
// Open addressing with linear probing; a deletion shifts the entries after it back instead of leaving a
// tombstone, so the table never fills with holes. A JavaScript Map does leave one per deletion and is
// rebuilt whole once they add up: an endpoint's LRU drops a block for every block it takes once full, so
// its Map was rebuilt every few requests, a pause of about a millisecond on whichever request hit it.
// Here a lookup reads one cell of two adjacent integers, and the garbage collector sees a single array.

import type { BlockHash } from './hash.ts';

/** What `get` returns for a block the table does not hold. */
export const absent = -1;
/** The table doubles when more than this share of its cells is used. */
const maxLoad = 0.5;

export class BlockTable {
  /** Cell i is `[2i]` the block, `[2i + 1]` its value, `absent` when the cell is empty. */
  #cells: Int32Array;
  #shift: number;
  #mask: number;
  #size = 0;

  constructor(initialCells = 1024) {
    const bits = Math.max(4, Math.ceil(Math.log2(initialCells)));
    this.#shift = 32 - bits;
    this.#mask = (1 << bits) - 1;
    this.#cells = new Int32Array(2 << bits).fill(absent);
  }

  get size(): number {
    return this.#size;
  }

  /** The value stored for `block`, or `absent`. */
  get(block: BlockHash): number {
    const cells = this.#cells;
    for (let cell = this.#home(block); ; cell = (cell + 1) & this.#mask) {
      const value = cells[2 * cell + 1];
      if (value === absent || cells[2 * cell] === block) return value;
    }
  }

  /** Stores `value` (≥ 0) for `block`. */
  set(block: BlockHash, value: number): void {
    let cells = this.#cells;
    let cell = this.#home(block);
    while (cells[2 * cell + 1] !== absent && cells[2 * cell] !== block) cell = (cell + 1) & this.#mask;
    if (cells[2 * cell + 1] === absent) {
      if (this.#size + 1 > maxLoad * (this.#mask + 1)) {
        this.#grow();
        this.set(block, value);
        return;
      }
      this.#size++;
    }
    cells = this.#cells;
    cells[2 * cell] = block;
    cells[2 * cell + 1] = value;
  }

  delete(block: BlockHash): void {
    const cells = this.#cells;
    const mask = this.#mask;
    let hole = this.#home(block);
    for (;;) {
      if (cells[2 * hole + 1] === absent) return;
      if (cells[2 * hole] === block) break;
      hole = (hole + 1) & mask;
    }
    this.#size--;
    // Each later entry of the run moves into the hole unless its home lies after the hole (cyclically),
    // where a lookup would no longer pass the hole to reach it.
    for (let cell = (hole + 1) & mask; cells[2 * cell + 1] !== absent; cell = (cell + 1) & mask) {
      const home = this.#home(cells[2 * cell]);
      const stays = hole <= cell ? hole < home && home <= cell : hole < home || home <= cell;
      if (stays) continue;
      cells[2 * hole] = cells[2 * cell];
      cells[2 * hole + 1] = cells[2 * cell + 1];
      hole = cell;
    }
    cells[2 * hole + 1] = absent;
  }

  /** Fibonacci hashing: the top bits of the block times 2³²/φ pick its first cell. */
  #home(block: BlockHash): number {
    return Math.imul(block, 0x9e3779b9) >>> this.#shift;
  }

  #grow(): void {
    const old = this.#cells;
    this.#shift -= 1;
    this.#mask = this.#mask * 2 + 1;
    this.#cells = new Int32Array(old.length * 2).fill(absent);
    this.#size = 0;
    for (let cell = 0; cell < old.length; cell += 2)
      if (old[cell + 1] !== absent) this.set(old[cell], old[cell + 1]);
  }
}
