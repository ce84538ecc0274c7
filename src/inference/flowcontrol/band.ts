// One priority band of the admission queue: a FIFO per flow (fairness id), the policy that picks which
// flow dispatches next, and each flow's token account, which the token-fair policy dispatches by.
//
// Policies: round-robin (one request per waiting flow in turn), global-strict (oldest request first) and
// vtc, the Virtual Token Counter of "Fairness in Serving Large Language Models" (Sheng et al., 2024): the
// waiting flow that has been served the fewest tokens goes next, so a tenant of long prompts gets as many
// tokens through as a tenant of short ones, not as many requests.
//
// Requests leave early (deadline, client gone) by being marked; they are skipped and dropped when they
// reach the head, which keeps removal O(1) however long the queue is.

import type { FairnessPolicy } from './config.ts';

export interface QueuedItem {
  readonly flow: string;
  readonly bytes: number;
  /** Tokens charged to the flow when the item is dispatched (the estimate: prompt + max_tokens). */
  readonly cost: number;
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

  *[Symbol.iterator](): Generator<T> {
    for (let i = this.#head; i < this.#items.length; i++) yield this.#items[i];
  }
}

/**
 * A flow while it has requests waiting or running. It is forgotten once it has neither — as a deficit
 * round-robin queue forgets its deficit when it empties — and a flow that comes back starts level with
 * the least-served flow then waiting, so idle time saves up no credit.
 */
export class Flow<T> {
  readonly name: string;
  /** Tokens served: estimates charged at dispatch, corrected by the usage reported at the end. */
  tokens: number;
  /** Requests dispatched and not yet finished. */
  running = 0;
  readonly queue = new Fifo<T>();
  /** Whether the flow is in the band's backlog (it has, or had until lately, waiting requests). */
  backlogged = false;

  constructor(name: string, tokens: number) {
    this.name = name;
    this.tokens = tokens;
  }
}

export class Band<T extends QueuedItem> {
  readonly fairness: FairnessPolicy;
  /** Waiting requests and their bytes (withdrawn ones no longer count). */
  size = 0;
  bytes = 0;
  readonly #flows = new Map<string, Flow<T>>();
  /** Flows with waiting requests, in the order they got them; round-robin's next is at `#cursor`. */
  #backlog: Flow<T>[] = [];
  #cursor = 0;
  /** The token count of the flow vtc chose last: where a flow starts when no other is waiting. */
  #floor = 0;

  constructor(fairness: FairnessPolicy) {
    this.fairness = fairness;
  }

  push(item: T): void {
    const flow = this.#flow(item.flow);
    if (!flow.backlogged) {
      flow.tokens = Math.max(flow.tokens, this.#leastServed());
      flow.backlogged = true;
      this.#backlog.push(flow);
    }
    flow.queue.push(item);
    this.size++;
    this.bytes += item.bytes;
  }

  /** Charges a request admitted without waiting to its flow. */
  admitNow(name: string, cost: number): Flow<T> {
    const flow = this.#flow(name);
    flow.tokens += cost;
    flow.running++;
    return flow;
  }

  /** Accounts for an item that left without being dispatched (it is dropped lazily). */
  withdraw(item: T): void {
    item.waiting = false;
    this.size--;
    this.bytes -= item.bytes;
  }

  /** The next item to dispatch under the band's fairness policy, removed from the band and charged. */
  shift(): { item: T; flow: Flow<T> } | undefined {
    if (this.size === 0) return undefined;
    const flow = this.fairness === 'round-robin' ? this.#nextRoundRobin() : this.#nextByHead();
    const item = flow?.queue.shift();
    if (flow === undefined || item === undefined) return undefined;
    item.waiting = false;
    this.size--;
    this.bytes -= item.bytes;
    if (this.fairness === 'vtc') this.#floor = flow.tokens;
    flow.tokens += item.cost;
    flow.running++;
    return { item, flow };
  }

  /** Ends a dispatched request of `flow` (its token correction, if any, was made on the flow already). */
  finish(flow: Flow<T>): void {
    flow.running--;
    this.#forgetIfIdle(flow);
  }

  /** Every item still waiting, flow by flow (for metrics). */
  *waiting(): Generator<T> {
    for (const flow of this.#backlog) for (const item of flow.queue) if (item.waiting) yield item;
  }

  #flow(name: string): Flow<T> {
    let flow = this.#flows.get(name);
    if (flow === undefined) {
      flow = new Flow<T>(name, this.#leastServed());
      this.#flows.set(name, flow);
    }
    return flow;
  }

  /** The fewest tokens served among the waiting flows, or the floor when none waits. */
  #leastServed(): number {
    let least = Number.POSITIVE_INFINITY;
    for (const flow of this.#backlog) if (flow.tokens < least) least = flow.tokens;
    return least === Number.POSITIVE_INFINITY ? this.#floor : least;
  }

  /** Drops withdrawn items from the backlog flow at `index`; takes the flow out of the backlog when empty. */
  #live(index: number): boolean {
    const flow = this.#backlog[index];
    while (flow.queue.peek()?.waiting === false) flow.queue.shift();
    if (!flow.queue.empty) return true;
    this.#backlog.splice(index, 1);
    if (index < this.#cursor) this.#cursor--;
    flow.backlogged = false;
    this.#forgetIfIdle(flow);
    return false;
  }

  #forgetIfIdle(flow: Flow<T>): void {
    if (!flow.backlogged && flow.running <= 0 && this.#flows.get(flow.name) === flow)
      this.#flows.delete(flow.name);
  }

  #nextRoundRobin(): Flow<T> | undefined {
    while (this.#backlog.length > 0) {
      if (this.#cursor >= this.#backlog.length) this.#cursor = 0;
      const index = this.#cursor;
      if (this.#live(index)) {
        this.#cursor++;
        return this.#backlog[index];
      }
    }
    return undefined;
  }

  /** global-strict: the flow whose head is oldest; vtc: the flow served the fewest tokens (first on ties). */
  #nextByHead(): Flow<T> | undefined {
    for (let i = this.#backlog.length - 1; i >= 0; i--) this.#live(i);
    let best: Flow<T> | undefined;
    for (const flow of this.#backlog) {
      if (best === undefined) best = flow;
      else if (this.fairness === 'vtc' ? flow.tokens < best.tokens : headOf(flow) < headOf(best)) best = flow;
    }
    return best;
  }
}

function headOf<T extends QueuedItem>(flow: Flow<T>): number {
  return flow.queue.peek()?.sequence ?? Number.POSITIVE_INFINITY;
}
