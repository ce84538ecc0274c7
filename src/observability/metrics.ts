// Prometheus metrics of the data plane, in one registry the admin API serves at /metrics.

import { Counter, Histogram, Registry } from 'prom-client';

export const metricsRegistry = new Registry();

type RouteLabel = 'gateway' | 'listener' | 'route';

/** Every route series ever used, by label values; kept for the life of the process like any Prometheus series. */
const meters = new Map<string, RouteMeter>();

new Counter({
  name: 'sluice_http_requests_total',
  help: 'HTTP requests answered by the data plane, by gateway, listener, route and status code.',
  labelNames: ['gateway', 'listener', 'route', 'code'] as const,
  registers: [metricsRegistry],
  // Requests are counted in plain numbers on the hot path; a scrape copies the totals in.
  collect() {
    this.reset();
    for (const meter of meters.values()) {
      for (const [code, count] of meter.counts) this.inc({ ...meter.labels, code: String(code) }, count);
    }
  },
});

const requestDuration = new Histogram({
  name: 'sluice_http_request_duration_seconds',
  help: 'Time from receiving a request to the end of its response, by gateway, listener and route.',
  labelNames: ['gateway', 'listener', 'route'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  registers: [metricsRegistry],
});

/**
 * The series of one (gateway, listener, route), resolved when an IR is compiled so that the hot path
 * never builds or hashes label sets: it bumps a number and observes through a pre-bound child.
 */
export class RouteMeter {
  readonly labels: Readonly<Record<RouteLabel, string>>;
  /** Requests by status code since the process started. */
  readonly counts = new Map<number, number>();
  readonly #duration: Histogram.Internal<RouteLabel>;

  private constructor(labels: Record<RouteLabel, string>) {
    this.labels = labels;
    this.#duration = requestDuration.labels(labels);
  }

  /** The meter for these labels; the same object for every IR that names the same route. */
  static for(gateway: string, listener: string, route: string): RouteMeter {
    const key = `${gateway}\n${listener}\n${route}`;
    let meter = meters.get(key);
    if (meter === undefined) {
      meter = new RouteMeter({ gateway, listener, route });
      meters.set(key, meter);
    }
    return meter;
  }

  /** Counts one answered request with its status code and duration in seconds. */
  record(code: number, seconds: number): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
    this.#duration.observe(seconds);
  }
}
