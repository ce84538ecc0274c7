// Polls every endpoint's Prometheus `/metrics` and keeps its EndpointMetrics current.
//
// One polling loop per endpoint (a slow server never delays the others), each waiting `intervalMs`
// after a scrape ends before the next starts, so an endpoint never has two scrapes in flight. This is
// not the request hot path, so undici's `request` is used over one small keep-alive agent.

import { Agent, type Dispatcher, request } from 'undici';
import { log } from '../../observability/log.ts';
import { type Clock, systemClock } from '../clock.ts';
import type { Endpoint } from './endpoint.ts';
import { type EngineMappings, engineMappings, mappingFor } from './engines.ts';
import { extractMetrics } from './extract.ts';
import { parsePrometheusText } from './prometheus-text.ts';
import type { EndpointStore } from './store.ts';

export interface ScraperOptions {
  /** Pause between the end of one scrape and the start of the next (default 50 ms, as the EPP's). */
  intervalMs?: number;
  /** A scrape that has not finished by then fails (default 1000 ms). */
  timeoutMs?: number;
  scheme?: 'http' | 'https';
  path?: string;
  mappings?: EngineMappings;
  clock?: Clock;
  /** Called after every scrape, successful or not (flow control re-checks saturation then). */
  onScrape?: (endpoint: Endpoint) => void;
}

export const scraperDefaults = { intervalMs: 50, timeoutMs: 1000, scheme: 'http', path: '/metrics' } as const;

export class MetricsScraper {
  readonly #store: EndpointStore;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #scheme: 'http' | 'https';
  readonly #path: string;
  readonly #mappings: EngineMappings;
  readonly #clock: Clock;
  readonly #onScrape: ((endpoint: Endpoint) => void) | undefined;
  readonly #agent: Dispatcher;
  readonly #polling = new Set<Endpoint>();
  #unsubscribe: (() => void) | undefined;
  #stopped = false;

  constructor(store: EndpointStore, options: ScraperOptions = {}) {
    this.#store = store;
    this.#intervalMs = options.intervalMs ?? scraperDefaults.intervalMs;
    this.#timeoutMs = options.timeoutMs ?? scraperDefaults.timeoutMs;
    this.#scheme = options.scheme ?? scraperDefaults.scheme;
    this.#path = options.path ?? scraperDefaults.path;
    this.#mappings = options.mappings ?? engineMappings();
    this.#clock = options.clock ?? systemClock;
    this.#onScrape = options.onScrape;
    // Model servers' metrics endpoints commonly use self-signed certificates; the Inference
    // Extension's metrics source skips verification by default for the same reason.
    this.#agent = new Agent({ connections: 1, connect: { rejectUnauthorized: false } });
  }

  /** Starts polling every current endpoint and every endpoint added later. */
  start(): void {
    if (this.#unsubscribe !== undefined || this.#stopped) return;
    this.#unsubscribe = this.#store.onChange((added) => {
      for (const endpoint of added) this.#poll(endpoint);
    });
    for (const endpoint of this.#store.list()) this.#poll(endpoint);
  }

  /** Scrapes every current endpoint once, now; resolves when all are done (startup and tests). */
  async refresh(): Promise<void> {
    await Promise.all(this.#store.list().map((endpoint) => this.scrape(endpoint)));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    await this.#agent.close();
  }

  /** One scrape of one endpoint; never throws — failures are recorded on the endpoint. */
  async scrape(endpoint: Endpoint): Promise<void> {
    if (this.#stopped) return;
    const started = this.#clock.now();
    try {
      const mapping = mappingFor(this.#mappings, endpoint.labels);
      const text = await this.#fetch(endpoint);
      const families = parsePrometheusText(text, mapping.names);
      if (mapping.names.size > 0 && ![...mapping.names].some((name) => families.has(name)))
        throw new Error(
          `none of the ${mapping.name} metrics (${[...mapping.names].join(', ')}) were exposed`,
        );
      endpoint.metrics = extractMetrics(families, mapping, endpoint.metrics, started).metrics;
      this.#record(endpoint, started, undefined);
    } catch (error) {
      this.#record(endpoint, started, error instanceof Error ? error.message : String(error));
    }
    this.#onScrape?.(endpoint);
  }

  #record(endpoint: Endpoint, at: number, failure: string | undefined): void {
    const state = endpoint.scrape;
    if (failure !== undefined && state.consecutiveFailures === 0) {
      log.warn('model server metrics scrape failed', { endpoint: endpoint.id, reason: failure });
    } else if (failure === undefined && state.consecutiveFailures > 0) {
      log.info('model server metrics scrape recovered', { endpoint: endpoint.id });
    }
    state.lastScrapeAt = at;
    state.lastScrapeOk = failure === undefined;
    state.lastScrapeError = failure;
    state.consecutiveFailures = failure === undefined ? 0 : state.consecutiveFailures + 1;
  }

  async #fetch(endpoint: Endpoint): Promise<string> {
    const host = endpoint.address.includes(':') ? `[${endpoint.address}]` : endpoint.address;
    const { statusCode, body } = await request(`${this.#scheme}://${host}:${endpoint.port}${this.#path}`, {
      dispatcher: this.#agent,
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    if (statusCode !== 200) {
      await body.dump();
      throw new Error(`GET ${this.#path} answered ${statusCode}`);
    }
    return body.text();
  }

  #poll(endpoint: Endpoint): void {
    if (this.#polling.has(endpoint)) return;
    this.#polling.add(endpoint);
    const next = async () => {
      if (this.#stopped || this.#store.get(endpoint.id) !== endpoint) {
        this.#polling.delete(endpoint);
        return;
      }
      await this.scrape(endpoint);
      this.#clock.setTimer(this.#intervalMs, () => void next());
    };
    void next();
  }
}
