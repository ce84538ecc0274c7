// The endpoint picker of one InferencePool, as the data plane calls it in-process: endpoints and their
// scraped metrics, admission (flow control), scheduling, and the bookkeeping that ends each request.
//
//   const picker = new EndpointPicker({ pool: 'default/llama', config });
//   picker.setEndpoints([{ address: '10.0.0.7', port: 8000, name: 'vllm-0' }]);
//   picker.start();
//   const pick = await picker.schedule(schedulingRequest({...}), { signal });  // throws SluiceError 429/503
//   … forward to pick.endpoints[0] (fallbacks after it) …
//   pick.finish({ servedEndpoint: '10.0.0.7:8000', status: 200 });

import type { SluiceError } from '../errors.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Endpoint, EndpointSpec } from './datalayer/endpoint.ts';
import { MetricsScraper } from './datalayer/scraper.ts';
import { EndpointStore } from './datalayer/store.ts';
import { type Admission, FlowController, type Ticket } from './flowcontrol/controller.ts';
import { poolSaturation } from './flowcontrol/saturation.ts';
import { defaultEndpointPickerConfig, type EndpointPickerConfig } from './scheduling/config.ts';
import { Scheduler } from './scheduling/scheduler.ts';
import {
  type CycleState,
  isPrefixIndexHolder,
  type RequestOutcome,
  type ResponseHeader,
  type SchedulingRequest,
  type SchedulingResult,
} from './scheduling/types.ts';

export interface EndpointPickerOptions {
  /** The pool's name in messages, e.g. `namespace/name`. */
  pool: string;
  /** Defaults to Sluice's profile (docs/scheduling.md); the Inference Extension's is examples/picker/reference.yaml. */
  config?: EndpointPickerConfig;
  clock?: Clock;
  scrapeIntervalMs?: number;
  scrapeTimeoutMs?: number;
}

export interface PickOptions {
  /**
   * Restricts the candidates to these endpoints (`ip:port`, or `ip` for any port of that address), as
   * the endpoint-picker protocol's subset hint does. An empty list leaves no candidate (503).
   */
  subset?: readonly string[];
}

export interface ScheduleOptions extends PickOptions {
  /** Aborts waiting in the admission queue (the client went away). */
  signal?: AbortSignal;
}

/** What the data plane reports when a request ends. Every field is optional. */
export interface FinishReport {
  /** `ip:port` of the endpoint whose response went to the client. */
  servedEndpoint?: string;
  status?: number;
  promptTokens?: number;
  completionTokens?: number;
  /** `usage.prompt_tokens_details.cached_tokens`: prompt tokens the engine found in its prefix cache. */
  cachedTokens?: number;
}

export interface Pick extends SchedulingResult {
  /** Where to send the request: primary first, then fallbacks (all in this pool). */
  readonly endpoints: readonly Endpoint[];
  /** `x-gateway-destination-endpoint`: the endpoints' ids joined by commas. */
  readonly destination: string;
  /**
   * The first bytes of the response body arrived (for a streamed generation: the prefill is over). Only
   * the first call counts, so the data plane may call it for every chunk.
   */
  firstChunk(): void;
  /**
   * Headers the profile's plugins add to the response served by `servedEndpoint` (`ip:port`), such as
   * the session-affinity token that brings the client's next request back to that endpoint.
   */
  responseHeaders(servedEndpoint: string): readonly ResponseHeader[];
  /**
   * Ends the request: runs the completion hooks, releases in-flight counts and the admission ticket.
   * Call exactly once whatever happened (error, client gone); later calls do nothing.
   */
  finish(report?: FinishReport): void;
}

export class EndpointPicker {
  readonly pool: string;
  readonly config: EndpointPickerConfig;
  readonly endpoints = new EndpointStore();
  readonly scheduler: Scheduler;
  readonly flow: FlowController;
  readonly #clock: Clock;
  readonly #scraper: MetricsScraper;

  constructor(options: EndpointPickerOptions) {
    this.pool = options.pool;
    this.config = options.config ?? defaultEndpointPickerConfig();
    this.#clock = options.clock ?? systemClock;
    this.scheduler = new Scheduler(this.pool, this.config, { clock: this.#clock });
    this.flow = new FlowController({
      pool: this.pool,
      config: this.config.flowControl,
      saturation: () => this.saturation(),
      clock: this.#clock,
    });
    this.#scraper = new MetricsScraper(this.endpoints, {
      intervalMs: options.scrapeIntervalMs,
      timeoutMs: options.scrapeTimeoutMs,
      scheme: this.config.metricsSource.scheme,
      path: this.config.metricsSource.path,
      mappings: this.config.engines,
      clock: this.#clock,
      // Fresh metrics may open the admission gate for queued requests.
      onScrape: () => this.flow.dispatch(),
    });
    this.endpoints.onChange((_added, removed) => {
      for (const endpoint of removed) this.scheduler.endpointRemoved(endpoint);
      this.flow.dispatch();
    });
  }

  /** Replaces the pool's endpoints; endpoints that stay keep their metrics and learnt state. */
  setEndpoints(endpoints: readonly EndpointSpec[]): void {
    this.endpoints.setEndpoints(endpoints);
  }

  /** Starts scraping every endpoint's metrics. */
  start(): void {
    this.#scraper.start();
  }

  /** Scrapes every endpoint once now (before serving, and in tests). */
  refreshMetrics(): Promise<void> {
    return this.#scraper.refresh();
  }

  async close(): Promise<void> {
    this.flow.close();
    await this.#scraper.stop();
  }

  /** The pool's saturation now: mean endpoint saturation, stale metrics counting as full. */
  saturation(): number {
    return poolSaturation(this.endpoints.list(), this.#clock.now(), this.config.saturation);
  }

  /** Blocks the pool's prefix indexes hold now (all plugins keeping one); undefined when no plugin keeps one. */
  prefixIndexSize(): number | undefined {
    let total: number | undefined;
    for (const plugin of this.scheduler.plugins.values())
      if (isPrefixIndexHolder(plugin)) total = (total ?? 0) + plugin.indexSize();
    return total;
  }

  /** Admission only: sheds or queues per flow control. A ticket must reach `pick` or be released. */
  admit(request: SchedulingRequest, signal?: AbortSignal): Promise<Admission> {
    return this.flow.admit(request, signal);
  }

  /**
   * Scheduling only: runs the profile and the PreRequest hooks, counts the request in flight on the
   * primary endpoint. Throws `pool_no_endpoints` (503) or `pool_no_fit` (429), releasing `ticket` then.
   */
  pick(request: SchedulingRequest, options: PickOptions & { ticket?: Ticket } = {}): Pick {
    const cycle: CycleState = new Map();
    let result: SchedulingResult;
    try {
      result = this.scheduler.schedule(request, this.#candidates(options.subset), cycle);
    } catch (error) {
      options.ticket?.release();
      throw error;
    }
    const endpoints = result.profileResults[result.primaryProfile].endpoints;
    const primary = endpoints[0];
    primary.inFlight.requests++;
    primary.inFlight.tokens += request.estimatedTokens;
    this.scheduler.preRequest(request, result, cycle);

    let finished = false;
    let streaming = false;
    return {
      ...result,
      endpoints,
      destination: endpoints.map((endpoint) => endpoint.id).join(','),
      firstChunk: () => {
        if (streaming || finished) return;
        streaming = true;
        this.scheduler.responseFirstChunk(request, result, cycle);
      },
      responseHeaders: (servedEndpoint) => {
        const served =
          endpoints.find((endpoint) => endpoint.id === servedEndpoint) ?? this.endpoints.get(servedEndpoint);
        return served === undefined ? [] : this.scheduler.responseHeaders(request, served, cycle);
      },
      finish: (report = {}) => {
        if (finished) return;
        finished = true;
        primary.inFlight.requests--;
        primary.inFlight.tokens -= request.estimatedTokens;
        const served =
          report.servedEndpoint === undefined
            ? undefined
            : endpoints.find((e) => e.id === report.servedEndpoint);
        const outcome: RequestOutcome = {
          servedEndpoint: served ?? this.endpoints.get(report.servedEndpoint ?? ''),
          status: report.status,
          promptTokens: report.promptTokens,
          completionTokens: report.completionTokens,
          cachedTokens: report.cachedTokens,
        };
        try {
          this.scheduler.responseComplete(request, result, outcome, cycle);
        } finally {
          // The flow was charged an estimate at admission; the answer's usage settles it.
          if (report.promptTokens !== undefined && report.completionTokens !== undefined)
            options.ticket?.account(report.promptTokens + report.completionTokens);
          options.ticket?.release();
        }
      },
    };
  }

  /** Admission then scheduling in one call (the data plane calls `admit` and `pick` apart to time each). Throws the rejection's SluiceError. */
  async schedule(request: SchedulingRequest, options: ScheduleOptions = {}): Promise<Pick> {
    const admission = await this.flow.admit(request, options.signal);
    if (!admission.admitted) throw admission.error satisfies SluiceError;
    return this.pick(request, { subset: options.subset, ticket: admission });
  }

  #candidates(subset: readonly string[] | undefined): readonly Endpoint[] {
    const all = this.endpoints.list();
    if (subset === undefined) return all;
    const wanted = new Set(subset);
    return all.filter((endpoint) => wanted.has(endpoint.id) || wanted.has(endpoint.address));
  }
}
