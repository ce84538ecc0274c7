// The continuous-batching scheduler: waiting and running queues, a per-step token budget, preemption.
//
// Follows vLLM v1's Scheduler.schedule(). Each step first gives every running request the tokens it
// still needs (one for a decode, up to the remaining budget for a prefill chunk); when the KV cache
// cannot hold them it preempts the most recently admitted running request (recompute: its blocks are
// freed, it goes back to the front of the waiting queue). Only if nothing was preempted does it admit
// waiting requests in FIFO order, each with its prefix-cache hit, while the budget, `max_num_seqs`,
// the free blocks and `max_loras` allow. A request whose adapter would exceed `max_loras` is skipped
// and keeps its place.

import type { KvCacheManager } from './kv-cache.ts';
import type { SimRequest } from './request.ts';

export interface SchedulerConfig {
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  maxLoras: number;
}

export interface ScheduledChunk {
  request: SimRequest;
  numTokens: number;
  /** Tokens of the request already computed before this chunk (its attention context). */
  startPosition: number;
  /** A single-token step of a request that has finished its prefill. */
  decode: boolean;
}

export interface StepPlan {
  chunks: ScheduledChunk[];
  preempted: SimRequest[];
  /** Distinct LoRA adapters in the step. */
  loras: Set<string>;
  /** Prefix-cache lookups of requests admitted for the first time: queried and hit tokens. */
  prefixQueries: number;
  prefixHits: number;
}

export class Scheduler {
  readonly config: SchedulerConfig;
  readonly kv: KvCacheManager;
  readonly waiting: SimRequest[] = [];
  readonly running: SimRequest[] = [];

  constructor(config: SchedulerConfig, kv: KvCacheManager) {
    this.config = config;
    this.kv = kv;
  }

  get hasWork(): boolean {
    return this.waiting.length > 0 || this.running.length > 0;
  }

  add(request: SimRequest): void {
    this.waiting.push(request);
  }

  schedule(nowMs: number): StepPlan {
    const plan: StepPlan = {
      chunks: [],
      preempted: [],
      loras: new Set(),
      prefixQueries: 0,
      prefixHits: 0,
    };
    let budget = this.config.maxNumBatchedTokens;

    for (let index = 0; index < this.running.length && budget > 0; ) {
      const request = this.running[index];
      const numTokens = Math.min(request.tokens.length - request.numComputed, budget);
      let scheduled = true;
      while (!this.kv.allocate(request, numTokens)) {
        const victim = this.running.pop() as SimRequest;
        this.#preempt(victim);
        plan.preempted.push(victim);
        if (victim === request) {
          scheduled = false;
          break;
        }
      }
      if (!scheduled) break;
      plan.chunks.push(this.#chunk(request, numTokens));
      budget -= numTokens;
      index++;
    }
    for (const chunk of plan.chunks)
      if (chunk.request.spec.lora !== undefined) plan.loras.add(chunk.request.spec.lora);

    if (plan.preempted.length === 0) this.#admit(plan, budget, nowMs);

    for (const chunk of plan.chunks) chunk.request.numComputed += chunk.numTokens;
    return plan;
  }

  /** Takes a request out of the engine (finished or aborted) and frees its blocks. */
  remove(request: SimRequest): void {
    const running = this.running.indexOf(request);
    if (running >= 0) this.running.splice(running, 1);
    const waiting = this.waiting.indexOf(request);
    if (waiting >= 0) this.waiting.splice(waiting, 1);
    this.kv.free(request);
  }

  #admit(plan: StepPlan, budget: number, nowMs: number): void {
    const skipped: SimRequest[] = [];
    while (this.waiting.length > 0 && budget > 0 && this.running.length < this.config.maxNumSeqs) {
      const request = this.waiting[0];
      const lora = request.spec.lora;
      if (lora !== undefined && plan.loras.size >= this.config.maxLoras && !plan.loras.has(lora)) {
        skipped.push(this.waiting.shift() as SimRequest);
        continue;
      }
      // Waiting requests have nothing computed: new ones, and preempted ones that start over.
      const hit = this.kv.findCachedPrefix(request);
      const numTokens = Math.min(request.tokens.length - hit.tokens, budget);
      if (!this.kv.allocate(request, numTokens, hit)) break;
      this.waiting.shift();
      if (request.numPreemptions === 0) {
        plan.prefixQueries += request.tokens.length;
        plan.prefixHits += hit.tokens;
      }
      request.numComputed = hit.tokens;
      if (request.cachedTokens < 0) request.cachedTokens = hit.tokens;
      request.scheduledMs ??= nowMs;
      request.status = 'running';
      this.running.push(request);
      if (lora !== undefined) plan.loras.add(lora);
      plan.chunks.push(this.#chunk(request, numTokens));
      budget -= numTokens;
    }
    this.waiting.unshift(...skipped);
  }

  #chunk(request: SimRequest, numTokens: number): ScheduledChunk {
    const decode =
      numTokens === 1 && request.numOutput > 0 && request.numComputed === request.tokens.length - 1;
    return { request, numTokens, startPosition: request.numComputed, decode };
  }

  #preempt(request: SimRequest): void {
    this.kv.free(request);
    request.status = 'preempted';
    request.numComputed = 0;
    request.numPreemptions++;
    this.waiting.unshift(request);
  }
}
