// Admission control for one pool: sheds sheddable requests when the pool is saturated and, with the
// `flowControl` gate, holds the others in priority bands until the pool has room again.
//
// Dispatch order: strict priority between bands (higher first), the band's fairness policy between
// flows, FIFO within a flow. The gate is the pool's saturation (see saturation.ts): nothing is
// dispatched while it is ≥ 1, on purpose, so the head of the highest band is served first once room
// appears. The owner calls `dispatch()` whenever fresh metrics may have opened the gate.
//
// With the gate, every admitted request is charged to its flow — its estimated tokens when admitted,
// corrected by `Ticket.account` with what it really used — whether it waited or not, so a tenant's
// share is measured over all it sent, not only over what happened to queue.

import { SluiceError } from '../../errors.ts';
import type { Clock, TimerHandle } from '../clock.ts';
import { Band, type Flow, type QueuedItem } from './band.ts';
import type { BandConfig, FlowControlConfig } from './config.ts';

export interface AdmissionRequest {
  priority: number;
  fairnessId: string;
  bodyBytes: number;
  /** Prompt plus completion tokens expected: what the request's flow is charged when it is admitted. */
  estimatedTokens: number;
  /** The model asked for and the model served (for the metrics of what waits). */
  model: string;
  targetModel: string;
}

/** Permission to schedule one request; `release()` when it ends (idempotent). */
export interface Ticket {
  readonly admitted: true;
  /** Time spent queued, 0 when admitted at once. */
  readonly waitedMs: number;
  /**
   * Settles the flow's charge with the tokens the request really used (prompt + completion), when the
   * response reported them; the first call counts.
   */
  account(usedTokens: number): void;
  release(): void;
}

export interface Rejection {
  readonly admitted: false;
  /** `request_shed` / `queue_full` (429), `queue_timeout` / `queue_cancelled` (503). */
  readonly error: SluiceError;
  /** Time spent queued before the rejection, 0 when rejected on arrival. */
  readonly waitedMs: number;
}

export type Admission = Ticket | Rejection;

/** A request waiting in a band, as metrics see it. */
export interface QueuedRequest {
  readonly priority: number;
  readonly request: AdmissionRequest;
  readonly bytes: number;
}

export interface FlowControllerOptions {
  pool: string;
  config: FlowControlConfig;
  /** The pool's current saturation; ≥ 1 means full. */
  saturation: () => number;
  clock: Clock;
}

interface Waiter extends QueuedItem, QueuedRequest {
  readonly enqueuedAt: number;
  readonly band: Band<Waiter>;
  resolve(admission: Admission): void;
  timer: TimerHandle;
  abandon: (() => void) | undefined;
}

/** The flow a ticket was charged to, and how much. */
interface Charge {
  band: Band<Waiter>;
  flow: Flow<Waiter>;
  tokens: number;
}

export class FlowController {
  readonly #pool: string;
  readonly #config: FlowControlConfig;
  readonly #saturation: () => number;
  readonly #clock: Clock;
  readonly #bands = new Map<number, Band<Waiter>>();
  /** Band priorities, highest first. */
  #priorities: number[] = [];
  #sequence = 0;
  #queued = 0;
  #queuedBytes = 0;
  #inFlight = 0;
  #closed = false;

  constructor(options: FlowControllerOptions) {
    this.#pool = options.pool;
    this.#config = options.config;
    this.#saturation = options.saturation;
    this.#clock = options.clock;
  }

  /** Requests waiting for capacity. */
  get queued(): number {
    return this.#queued;
  }

  /** Tickets handed out and not released. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** True once `close()` ran: the pool is gone. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Every request waiting now, highest band first. */
  *waiting(): Generator<QueuedRequest> {
    for (const priority of this.#priorities) {
      const band = this.#bands.get(priority);
      if (band !== undefined) yield* band.waiting();
    }
  }

  admit(request: AdmissionRequest, signal?: AbortSignal): Promise<Admission> {
    const saturated = this.#saturation() >= 1;
    if (request.priority < 0 && saturated) {
      return Promise.resolve(this.#reject('request_shed', 0, { priority: request.priority }));
    }
    if (!this.#config.enabled) return Promise.resolve(this.#ticket(0, undefined));
    const bandConfig = this.#config.bands.get(request.priority) ?? this.#config.defaultBand;
    const band = this.#band(request.priority, bandConfig);
    // At least a token each, so requests without a prompt (a GET routed to the pool) are not free.
    const cost = Math.max(1, request.estimatedTokens);
    if (!saturated && this.#queued === 0) {
      const flow = band.admitNow(request.fairnessId, cost);
      return Promise.resolve(this.#ticket(0, { band, flow, tokens: cost }));
    }
    if (signal?.aborted) return Promise.resolve(this.#reject('queue_cancelled', 0, {}));
    const full = this.#capacityProblem(band, bandConfig, request.bodyBytes);
    if (full !== undefined) return Promise.resolve(this.#reject('queue_full', 0, { reason: full }));

    return new Promise<Admission>((resolve) => {
      const ttl = this.#config.defaultRequestTTLMs;
      const waiter: Waiter = {
        flow: request.fairnessId,
        bytes: request.bodyBytes,
        cost,
        sequence: this.#sequence++,
        waiting: true,
        priority: request.priority,
        request,
        enqueuedAt: this.#clock.now(),
        band,
        resolve,
        abandon: undefined,
        timer: this.#clock.setTimer(ttl, () =>
          this.#withdraw(waiter, this.#reject('queue_timeout', this.#waited(waiter), { ms: ttl })),
        ),
      };
      if (signal !== undefined) {
        const onAbort = () =>
          this.#withdraw(waiter, this.#reject('queue_cancelled', this.#waited(waiter), {}));
        signal.addEventListener('abort', onAbort, { once: true });
        waiter.abandon = () => signal.removeEventListener('abort', onAbort);
      }
      band.push(waiter);
      this.#queued++;
      this.#queuedBytes += waiter.bytes;
      this.dispatch();
    });
  }

  /** Hands tickets to queued requests, best first, while the pool is not saturated. */
  dispatch(): void {
    while (this.#queued > 0 && this.#saturation() < 1) {
      const next = this.#next();
      if (next === undefined) return;
      const { item: waiter, flow } = next;
      this.#settle(waiter);
      waiter.resolve(this.#ticket(this.#waited(waiter), { band: waiter.band, flow, tokens: waiter.cost }));
    }
  }

  /** Rejects everything still queued (the pool is going away). */
  close(): void {
    this.#closed = true;
    for (const band of this.#bands.values()) {
      for (let next = band.shift(); next !== undefined; next = band.shift()) {
        band.finish(next.flow);
        this.#settle(next.item);
        next.item.resolve(this.#reject('queue_cancelled', this.#waited(next.item), {}));
      }
    }
  }

  #next(): { item: Waiter; flow: Flow<Waiter> } | undefined {
    for (const priority of this.#priorities) {
      const next = this.#bands.get(priority)?.shift();
      if (next !== undefined) return next;
    }
    return undefined;
  }

  #waited(waiter: Waiter): number {
    return this.#clock.now() - waiter.enqueuedAt;
  }

  #settle(waiter: Waiter): void {
    waiter.timer.cancel();
    waiter.abandon?.();
    this.#queued--;
    this.#queuedBytes -= waiter.bytes;
  }

  #withdraw(waiter: Waiter, rejection: Rejection): void {
    if (!waiter.waiting) return;
    waiter.band.withdraw(waiter);
    this.#settle(waiter);
    waiter.resolve(rejection);
  }

  #band(priority: number, config: BandConfig): Band<Waiter> {
    let band = this.#bands.get(priority);
    if (band === undefined) {
      band = new Band(config.fairness);
      this.#bands.set(priority, band);
      this.#priorities = [...this.#bands.keys()].sort((a, b) => b - a);
    }
    return band;
  }

  #capacityProblem(band: Band<Waiter>, config: BandConfig, bytes: number): string | undefined {
    if (this.#queued + 1 > this.#config.maxRequests) return `${this.#config.maxRequests} requests queued`;
    if (this.#queuedBytes + bytes > this.#config.maxBytes) return `${this.#config.maxBytes} bytes queued`;
    if (band.size + 1 > config.maxRequests) return `priority band full at ${config.maxRequests} requests`;
    if (band.bytes + bytes > config.maxBytes) return `priority band full at ${config.maxBytes} bytes`;
    return undefined;
  }

  #ticket(waitedMs: number, charge: Charge | undefined): Ticket {
    this.#inFlight++;
    let released = false;
    let accounted = false;
    return {
      admitted: true,
      waitedMs,
      account: (usedTokens) => {
        if (accounted || charge === undefined) return;
        accounted = true;
        charge.flow.tokens += Math.max(1, usedTokens) - charge.tokens;
      },
      release: () => {
        if (released) return;
        released = true;
        this.#inFlight--;
        charge?.band.finish(charge.flow);
        this.dispatch();
      },
    };
  }

  #reject(
    code: 'request_shed' | 'queue_full' | 'queue_timeout' | 'queue_cancelled',
    waitedMs: number,
    params: Record<string, string | number>,
  ): Rejection {
    return { admitted: false, error: new SluiceError(code, { pool: this.#pool, ...params }), waitedMs };
  }
}
