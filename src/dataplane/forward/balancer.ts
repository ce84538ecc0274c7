// Choosing where a request goes: a weighted random pick among a rule's backends, round-robin among a
// cluster's endpoints. Both are built once per IR.

/** Weighted random choice; items of weight 0 are never picked. */
export class WeightedPicker<T> {
  readonly #items: T[] = [];
  /** Running totals of the weights, parallel to `#items`. */
  readonly #bounds: number[] = [];
  readonly #total: number;

  constructor(choices: readonly { weight: number; value: T }[]) {
    let total = 0;
    for (const { weight, value } of choices) {
      if (!(weight > 0)) continue;
      total += weight;
      this.#items.push(value);
      this.#bounds.push(total);
    }
    this.#total = total;
  }

  /** Undefined when no item has a positive weight. `random` returns a number in [0, 1). */
  pick(random: () => number = Math.random): T | undefined {
    const count = this.#items.length;
    if (count <= 1) return this.#items[0];
    const point = random() * this.#total;
    for (let i = 0; i < count - 1; i++) {
      if (point < this.#bounds[i]) return this.#items[i];
    }
    return this.#items[count - 1];
  }
}

/** Cycles through items in order; state lives as long as the IR that built it. */
export class RoundRobin<T> {
  readonly items: readonly T[];
  #next = 0;

  constructor(items: readonly T[]) {
    this.items = items;
  }

  /** Undefined when there are no items. */
  next(): T | undefined {
    const count = this.items.length;
    if (count === 0) return undefined;
    const item = this.items[this.#next];
    this.#next = this.#next + 1 === count ? 0 : this.#next + 1;
    return item;
  }
}
