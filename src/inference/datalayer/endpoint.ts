// An inference pool endpoint as the picker sees it: identity, labels, scraped engine metrics, local load.

/** What the model server last reported, mapped from its engine's metric names (see engines.ts). */
export interface EndpointMetrics {
  /** Requests waiting in the engine's queue. */
  waitingQueueSize: number;
  /** Requests in the engine's running batch. */
  runningRequests: number;
  /** KV-cache utilisation, 0..1. */
  kvCacheUsage: number;
  /** LoRA adapters the engine reports as running / waiting (vLLM `vllm:lora_requests_info`). */
  activeModels: ReadonlySet<string>;
  waitingModels: ReadonlySet<string>;
  /** Adapters the engine can hold at once (`max_lora`); 0 when unknown. */
  maxActiveModels: number;
  /** KV block size in tokens and number of GPU blocks; 0 when unknown. */
  cacheBlockSize: number;
  cacheNumBlocks: number;
  /** Clock time of the scrape these values came from; -Infinity before the first success. */
  updatedAt: number;
}

export interface EndpointScrapeState {
  /** Whether the last scrape returned parsable metrics. */
  lastScrapeOk: boolean;
  lastScrapeAt: number;
  lastScrapeError: string | undefined;
  consecutiveFailures: number;
}

export interface Endpoint {
  /** `address:port` (`[v6]:port`): the value of `x-gateway-destination-endpoint`. */
  readonly id: string;
  /** Pod name when the pool owner gives one, else the id. */
  name: string;
  readonly address: string;
  readonly port: number;
  labels: Readonly<Record<string, string>>;
  /** Replaced as a whole by each successful scrape. */
  metrics: EndpointMetrics;
  /** Requests this picker sent there that have not finished, and their estimated tokens. */
  readonly inFlight: { requests: number; tokens: number };
  readonly scrape: EndpointScrapeState;
}

/** What the pool owner knows about an endpoint. */
export interface EndpointSpec {
  address: string;
  port: number;
  name?: string;
  labels?: Readonly<Record<string, string>>;
}

export const unknownMetrics: EndpointMetrics = Object.freeze({
  waitingQueueSize: 0,
  runningRequests: 0,
  kvCacheUsage: 0,
  activeModels: new Set<string>(),
  waitingModels: new Set<string>(),
  maxActiveModels: 0,
  cacheBlockSize: 0,
  cacheNumBlocks: 0,
  updatedAt: Number.NEGATIVE_INFINITY,
});

export function endpointId(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export function newEndpoint(spec: EndpointSpec): Endpoint {
  const id = endpointId(spec.address, spec.port);
  return {
    id,
    name: spec.name ?? id,
    address: spec.address,
    port: spec.port,
    labels: { ...spec.labels },
    metrics: unknownMetrics,
    inFlight: { requests: 0, tokens: 0 },
    scrape: {
      lastScrapeOk: false,
      lastScrapeAt: Number.NEGATIVE_INFINITY,
      lastScrapeError: undefined,
      consecutiveFailures: 0,
    },
  };
}

/** Metrics older than `stalenessMs` (or never scraped) say nothing about the endpoint's load now. */
export function metricsAreStale(endpoint: Endpoint, now: number, stalenessMs: number): boolean {
  return now - endpoint.metrics.updatedAt > stalenessMs;
}
