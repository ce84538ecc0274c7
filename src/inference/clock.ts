// The picker's notion of time: wall-clock milliseconds in production, a manual clock in tests.
//
// Staleness, queue waits and scrape timestamps all read one clock, so tests can move time exactly
// (the simulator's `ManualClock` fits this interface) and never assert on wall time.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds on a monotonic scale; only differences are meaningful. */
  now(): number;
  /** Runs `callback` once, `delayMs` milliseconds from now. */
  setTimer(delayMs: number, callback: () => void): TimerHandle;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(delayMs, callback) {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    // A pending queue deadline or scrape must never keep the process alive on its own.
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};
