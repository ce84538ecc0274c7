// The simulated inference engine: a step loop on simulated-time timers over the scheduler, KV cache and LoRA slots.
//
// Like vLLM's engine core, a step schedules a batch, runs for the time the cost model gives it, then
// emits one token for every request whose known tokens are all computed (a decode, or the last chunk of
// a prefill) and finishes requests that reached their length. The next step starts as soon as one ends;
// an idle engine starts a step when a request arrives.

import { SluiceError } from '../errors.ts';
import { BlockPool } from './block-pool.ts';
import type { Clock, TimerHandle } from './clock.ts';
import { type StepCosts, stepDurationMs } from './cost-model.ts';
import { KvCacheManager } from './kv-cache.ts';
import { LoraSlots } from './lora.ts';
import type { EngineLimits } from './profiles.ts';
import { type FinishReason, type RequestSpec, SimRequest } from './request.ts';
import { Scheduler, type StepPlan } from './scheduler.ts';

export interface EngineConfig extends EngineLimits {
  costs: StepCosts;
  enablePrefixCaching: boolean;
  /** Requests allowed to wait; one more is refused with 429. */
  maxWaiting: number;
}

export interface StepReport {
  durationMs: number;
  scheduledTokens: number;
  preemptions: number;
  prefixQueries: number;
  prefixHits: number;
}

/** What the metrics layer learns from the engine, event by event. */
export interface EngineObserver {
  onStep(report: StepReport): void;
  onFirstToken(request: SimRequest, nowMs: number): void;
  /** `interTokenMs` is undefined for a request's first token. */
  onToken(request: SimRequest, interTokenMs: number | undefined): void;
  onFinish(request: SimRequest, reason: FinishReason, nowMs: number): void;
}

export class Engine {
  readonly config: EngineConfig;
  readonly scheduler: Scheduler;
  readonly loraSlots: LoraSlots;
  readonly #clock: Clock;
  readonly #observer: EngineObserver;
  #nextId = 1;
  #timer: TimerHandle | undefined;
  #stepping = false;
  #lastSubmitMs = 0;

  constructor(config: EngineConfig, clock: Clock, observer: EngineObserver) {
    const capacity = (config.numGpuBlocks - 1) * config.blockSize;
    if (config.maxModelLen > capacity) {
      throw new SluiceError('sim_invalid_config', {
        reason:
          `max model length ${config.maxModelLen} exceeds the ${capacity} tokens the KV cache can hold ` +
          `(${config.numGpuBlocks} blocks of ${config.blockSize}); lower --max-model-len or raise --num-gpu-blocks`,
      });
    }
    this.config = config;
    this.#clock = clock;
    this.#observer = observer;
    const kv = new KvCacheManager(
      new BlockPool(config.numGpuBlocks),
      config.blockSize,
      config.enablePrefixCaching,
    );
    this.scheduler = new Scheduler(config, kv);
    this.loraSlots = new LoraSlots(config.maxLoras);
  }

  get kvUsage(): number {
    return this.scheduler.kv.pool.usage;
  }

  /** Queues a request; refuses it with `sim_queue_full` (429) when the waiting queue is at its limit. */
  submit(spec: RequestSpec): SimRequest {
    if (this.scheduler.waiting.length >= this.config.maxWaiting) {
      throw new SluiceError('sim_queue_full', { limit: this.config.maxWaiting });
    }
    this.#lastSubmitMs = this.#clock.now();
    const request = new SimRequest(this.#nextId++, spec, this.#lastSubmitMs);
    this.scheduler.add(request);
    this.#kick();
    return request;
  }

  /** Drops a request whose client went away; its blocks are freed at once. */
  abort(request: SimRequest): void {
    if (request.status === 'finished') return;
    this.#finish(request, 'abort', this.#clock.now());
  }

  /** Stops the step loop; requests in flight never finish. */
  stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #kick(): void {
    if (this.#stepping || this.#timer !== undefined) return;
    this.#timer = this.#clock.setTimer(0, () => {
      this.#timer = undefined;
      this.#startStep(this.#clock.now());
    });
  }

  /**
   * Runs steps back to back from `startMs`. Steps are timed on the simulated clock from their planned
   * ends, not from when a timer happened to fire, and steps that are already over when a late timer
   * fires are completed at once; only a request that arrived meanwhile pushes the next start later.
   */
  #startStep(startMs: number): void {
    for (let start = startMs; ; ) {
      const step = this.#plan(start);
      if (step === undefined) return;
      const now = this.#clock.now();
      if (step.endMs > now) {
        this.#stepping = true;
        this.#timer = this.#clock.setTimer(step.endMs - now, () => {
          this.#timer = undefined;
          this.#stepping = false;
          this.#complete(step.plan, step.endMs);
          this.#startStep(Math.max(step.endMs, this.#lastSubmitMs));
        });
        return;
      }
      this.#complete(step.plan, step.endMs);
      start = Math.max(step.endMs, this.#lastSubmitMs);
    }
  }

  #plan(startMs: number): { plan: StepPlan; endMs: number } | undefined {
    if (!this.scheduler.hasWork) return undefined;
    const plan = this.scheduler.schedule(startMs);
    if (plan.chunks.length === 0) return undefined;
    const loraLoads = this.loraSlots.activate(plan.loras);
    const durationMs = stepDurationMs(this.config.costs, plan.chunks, loraLoads);
    this.#observer.onStep({
      durationMs,
      scheduledTokens: plan.chunks.reduce((sum, chunk) => sum + chunk.numTokens, 0),
      preemptions: plan.preempted.length,
      prefixQueries: plan.prefixQueries,
      prefixHits: plan.prefixHits,
    });
    return { plan, endMs: startMs + durationMs };
  }

  #complete(plan: StepPlan, now: number): void {
    for (const { request } of plan.chunks) {
      if (request.status !== 'running' || request.numComputed < request.tokens.length) continue;
      if (request.spec.pooling) {
        this.#finish(request, 'stop', now);
        continue;
      }
      const token = request.spec.output[request.numOutput];
      request.tokens.push(token);
      request.numOutput++;
      const previous = request.lastTokenMs;
      if (previous === undefined) {
        request.firstTokenMs = now;
        this.#observer.onFirstToken(request, now);
      }
      request.lastTokenMs = now;
      this.#observer.onToken(request, previous === undefined ? undefined : now - previous);
      const finish = this.#finishReason(request);
      request.spec.events.onToken(token, now, finish);
      if (finish !== undefined) this.#finish(request, finish, now);
    }
  }

  #finishReason(request: SimRequest): FinishReason | undefined {
    if (request.numOutput >= request.spec.maxTokens || request.tokens.length >= this.config.maxModelLen)
      return 'length';
    return request.numOutput >= request.spec.output.length ? 'stop' : undefined;
  }

  #finish(request: SimRequest, reason: FinishReason, now: number): void {
    this.scheduler.remove(request);
    request.status = 'finished';
    this.#observer.onFinish(request, reason, now);
    if (reason === 'abort') return;
    request.spec.events.onFinish(
      {
        reason,
        promptTokens: request.numPromptTokens,
        outputTokens: request.numOutput,
        cachedTokens: Math.max(0, request.cachedTokens),
      },
      now,
    );
  }
}
