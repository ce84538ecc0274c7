// Prometheus metrics of the data plane, in one registry the admin API serves at /metrics.

import { Counter, Histogram, Registry } from 'prom-client';

export const metricsRegistry = new Registry();

const requestsTotal = new Counter({
  name: 'sluice_http_requests_total',
  help: 'HTTP requests answered by the data plane, by gateway, listener, route and status code.',
  labelNames: ['gateway', 'listener', 'route', 'code'] as const,
  registers: [metricsRegistry],
});

const requestDuration = new Histogram({
  name: 'sluice_http_request_duration_seconds',
  help: 'Time from receiving a request to the end of its response, by gateway, listener and route.',
  labelNames: ['gateway', 'listener', 'route'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  registers: [metricsRegistry],
});

/**
 * The series of one (gateway, listener, route), resolved once when an IR is compiled so that the hot
 * path never hashes label sets: prom-client's `labels()` lookup is what costs, `inc`/`observe` are cheap.
 */
export class RouteMeter {
  readonly #gateway: string;
  readonly #listener: string;
  readonly #route: string;
  readonly #duration: Histogram.Internal<'gateway' | 'listener' | 'route'>;
  /** Counter children by status code, filled on first use (a route sees a handful of codes). */
  readonly #byCode = new Map<number, Counter.Internal>();

  constructor(gateway: string, listener: string, route: string) {
    this.#gateway = gateway;
    this.#listener = listener;
    this.#route = route;
    this.#duration = requestDuration.labels({ gateway, listener, route });
  }

  /** Counts one answered request with its status code and duration in seconds. */
  record(code: number, seconds: number): void {
    let counter = this.#byCode.get(code);
    if (counter === undefined) {
      counter = requestsTotal.labels({
        gateway: this.#gateway,
        listener: this.#listener,
        route: this.#route,
        code: String(code),
      });
      this.#byCode.set(code, counter);
    }
    counter.inc();
    this.#duration.observe(seconds);
  }
}
