// Admission control for one pool: sheds sheddable requests when the pool is saturated and, with the
// `flowControl` gate, holds the others in priority bands until the pool has room again.
//
// Dispatch order: strict priority between bands (higher first), the band's fairness policy between
// flows, FIFO within a flow. The gate is the pool's saturation (see saturation.ts): nothing is
// dispatched while it is ≥ 1, on purpose, so the head of the highest band is served first once room
// appears. The owner calls `dispatch()` whenever fresh metrics may have opened the gate.

import { SluiceError } from '../../errors.ts';
import type { Clock, TimerHandle } from '../clock.ts';
import { Band, type QueuedItem } from './band.ts';
import type { BandConfig, FlowControlConfig } from './config.ts';

export interface AdmissionRequest {
  priority: number;
  fairnessId: string;
  bodyBytes: number;
}

/** Permission to schedule one request; `release()` when it ends (idempotent). */
export interface Ticket {
  readonly admitted: true;
  /** Time spent queued, 0 when admitted at once. */
  readonly waitedMs: number;
  release(): void;
}

export interface Rejection {
  readonly admitted: false;
  /** `request_shed` / `queue_full` (429), `queue_timeout` / `queue_cancelled` (503). */
  readonly error: SluiceError;
}

export type Admission = Ticket | Rejection;

export interface FlowControllerOptions {
  pool: string;
  config: FlowControlConfig;
  /** The pool's current saturation; ≥ 1 means full. */
  saturation: () => number;
  clock: Clock;
}

interface Waiter extends QueuedItem {
  readonly priority: number;
  readonly enqueuedAt: number;
  resolve(admission: Admission): void;
  timer: TimerHandle;
  abandon: (() => void) | undefined;
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

  admit(request: AdmissionRequest, signal?: AbortSignal): Promise<Admission> {
    const saturated = this.#saturation() >= 1;
    if (request.priority < 0 && saturated) {
      return Promise.resolve(this.#reject('request_shed', { priority: request.priority }));
    }
    if (!this.#config.enabled || (!saturated && this.#queued === 0)) return Promise.resolve(this.#ticket(0));
    if (signal?.aborted) return Promise.resolve(this.#reject('queue_cancelled', {}));

    const bandConfig = this.#config.bands.get(request.priority) ?? this.#config.defaultBand;
    const band = this.#band(request.priority, bandConfig);
    const full = this.#capacityProblem(band, bandConfig, request.bodyBytes);
    if (full !== undefined) return Promise.resolve(this.#reject('queue_full', { reason: full }));

    return new Promise<Admission>((resolve) => {
      const waiter: Waiter = {
        flow: request.fairnessId,
        bytes: request.bodyBytes,
        sequence: this.#sequence++,
        waiting: true,
        priority: request.priority,
        enqueuedAt: this.#clock.now(),
        resolve,
        abandon: undefined,
        timer: this.#clock.setTimer(this.#config.defaultRequestTTLMs, () =>
          this.#withdraw(
            waiter,
            band,
            this.#reject('queue_timeout', { ms: this.#config.defaultRequestTTLMs }),
          ),
        ),
      };
      if (signal !== undefined) {
        const onAbort = () => this.#withdraw(waiter, band, this.#reject('queue_cancelled', {}));
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
      this.#settle(next);
      next.resolve(this.#ticket(this.#clock.now() - next.enqueuedAt));
    }
  }

  /** Rejects everything still queued (the pool is going away). */
  close(): void {
    for (const band of this.#bands.values()) {
      for (let waiter = band.shift(); waiter !== undefined; waiter = band.shift()) {
        this.#settle(waiter);
        waiter.resolve(this.#reject('queue_cancelled', {}));
      }
    }
  }

  #next(): Waiter | undefined {
    for (const priority of this.#priorities) {
      const waiter = this.#bands.get(priority)?.shift();
      if (waiter !== undefined) return waiter;
    }
    return undefined;
  }

  #settle(waiter: Waiter): void {
    waiter.timer.cancel();
    waiter.abandon?.();
    this.#queued--;
    this.#queuedBytes -= waiter.bytes;
  }

  #withdraw(waiter: Waiter, band: Band<Waiter>, rejection: Rejection): void {
    if (!waiter.waiting) return;
    band.withdraw(waiter);
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

  #ticket(waitedMs: number): Ticket {
    this.#inFlight++;
    let released = false;
    return {
      admitted: true,
      waitedMs,
      release: () => {
        if (released) return;
        released = true;
        this.#inFlight--;
        this.dispatch();
      },
    };
  }

  #reject(
    code: 'request_shed' | 'queue_full' | 'queue_timeout' | 'queue_cancelled',
    params: Record<string, string | number>,
  ): Rejection {
    return { admitted: false, error: new SluiceError(code, { pool: this.#pool, ...params }) };
  }
}
