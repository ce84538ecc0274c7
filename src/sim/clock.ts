// Simulated time for the model-server simulator: a real clock scaled by --time-scale, or a manual one for tests.
//
// All engine arithmetic is in simulated milliseconds. The real clock maps them onto wall time divided
// by the scale, so `--time-scale 10` runs ten simulated seconds per wall second; the manual clock only
// moves when a test advances it, which makes step accounting exact and timing-free.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Simulated milliseconds since the clock started. */
  now(): number;
  /** Runs `callback` once `delayMs` simulated milliseconds from now. */
  setTimer(delayMs: number, callback: () => void): TimerHandle;
}

export class ScaledClock implements Clock {
  readonly #scale: number;
  readonly #origin = performance.now();

  constructor(timeScale: number) {
    if (!(timeScale > 0)) throw new RangeError(`time scale must be positive, not ${timeScale}`);
    this.#scale = timeScale;
  }

  now(): number {
    return (performance.now() - this.#origin) * this.#scale;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const timer = setTimeout(callback, Math.max(0, delayMs / this.#scale));
    return { cancel: () => clearTimeout(timer) };
  }
}

interface ManualTimer {
  at: number;
  order: number;
  callback: () => void;
  cancelled: boolean;
}

/** A clock that stands still until `advance` is called; timers fire in time order, ties in creation order. */
export class ManualClock implements Clock {
  #now = 0;
  #order = 0;
  #timers: ManualTimer[] = [];

  now(): number {
    return this.#now;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const timer: ManualTimer = {
      at: this.#now + Math.max(0, delayMs),
      order: this.#order++,
      callback,
      cancelled: false,
    };
    this.#timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way (including ones they set). */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (let next = this.#nextDue(target); next !== undefined; next = this.#nextDue(target)) {
      this.#now = next.at;
      next.callback();
    }
    this.#now = target;
  }

  /** Fires timers until none is left, however far that moves time; returns the time reached. */
  runUntilIdle(limitMs = 3_600_000): number {
    const limit = this.#now + limitMs;
    for (let next = this.#nextDue(limit); next !== undefined; next = this.#nextDue(limit)) {
      this.#now = next.at;
      next.callback();
    }
    return this.#now;
  }

  #nextDue(limit: number): ManualTimer | undefined {
    this.#timers = this.#timers.filter((timer) => !timer.cancelled);
    let best: ManualTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.at > limit) continue;
      if (best === undefined || timer.at < best.at || (timer.at === best.at && timer.order < best.order))
        best = timer;
    }
    if (best !== undefined) this.#timers.splice(this.#timers.indexOf(best), 1);
    return best;
  }
}
