// One priority band of the admission queue: a FIFO per flow (fairness id) and the policy that picks which
// flow dispatches next — round-robin across flows, or global-strict (oldest request first).
//
// Requests leave early (deadline, client gone) by being marked; they are skipped and dropped when they
// reach the head, which keeps removal O(1) however long the queue is.

import type { FairnessPolicy } from './config.ts';

export interface QueuedItem {
  readonly flow: string;
  readonly bytes: number;
  /** Enqueue order across the band (global-strict picks the smallest). */
  readonly sequence: number;
  /** False once dispatched or withdrawn. */
  waiting: boolean;
}

class Fifo<T> {
  #items: T[] = [];
  #head = 0;

  push(item: T): void {
    this.#items.push(item);
  }

  peek(): T | undefined {
    return this.#items[this.#head];
  }

  shift(): T | undefined {
    const item = this.#items[this.#head];
    if (item === undefined) return undefined;
    this.#head++;
    if (this.#head > 64 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  get empty(): boolean {
    return this.#head >= this.#items.length;
  }
}

export class Band<T extends QueuedItem> {
  readonly fairness: FairnessPolicy;
  /** Waiting requests and their bytes (withdrawn ones no longer count). */
  size = 0;
  bytes = 0;
  readonly #flows = new Map<string, Fifo<T>>();
  /** Flows in round-robin order; the next to dispatch is at `#cursor`. */
  #order: string[] = [];
  #cursor = 0;

  constructor(fairness: FairnessPolicy) {
    this.fairness = fairness;
  }

  push(item: T): void {
    let flow = this.#flows.get(item.flow);
    if (flow === undefined) {
      flow = new Fifo();
      this.#flows.set(item.flow, flow);
      this.#order.push(item.flow);
    }
    flow.push(item);
    this.size++;
    this.bytes += item.bytes;
  }

  /** Accounts for an item that left without being dispatched (it is dropped lazily). */
  withdraw(item: T): void {
    item.waiting = false;
    this.size--;
    this.bytes -= item.bytes;
  }

  /** The next item to dispatch under the band's fairness policy, removed from the band. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const flow = this.fairness === 'round-robin' ? this.#nextRoundRobin() : this.#oldestFlow();
    const item = flow?.shift();
    if (item === undefined) return undefined;
    item.waiting = false;
    this.size--;
    this.bytes -= item.bytes;
    return item;
  }

  /** Drops withdrawn items from a flow's head; forgets the flow when it empties. */
  #live(name: string): Fifo<T> | undefined {
    const flow = this.#flows.get(name);
    if (flow === undefined) return undefined;
    while (flow.peek()?.waiting === false) flow.shift();
    if (!flow.empty) return flow;
    this.#flows.delete(name);
    const index = this.#order.indexOf(name);
    this.#order.splice(index, 1);
    if (index < this.#cursor) this.#cursor--;
    return undefined;
  }

  #nextRoundRobin(): Fifo<T> | undefined {
    while (this.#order.length > 0) {
      if (this.#cursor >= this.#order.length) this.#cursor = 0;
      const name = this.#order[this.#cursor];
      const flow = this.#live(name);
      if (flow !== undefined) {
        this.#cursor++;
        return flow;
      }
    }
    return undefined;
  }

  #oldestFlow(): Fifo<T> | undefined {
    let best: Fifo<T> | undefined;
    for (const name of [...this.#order]) {
      const flow = this.#live(name);
      const head = flow?.peek();
      if (head !== undefined && (best === undefined || head.sequence < (best.peek() as T).sequence))
        best = flow;
    }
    return best;
  }
}
