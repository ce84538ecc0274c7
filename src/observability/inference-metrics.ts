// Prometheus metrics of the inference path under the Inference Extension's names, labels and buckets
// (llm-d router's pkg/epp/metrics), registered in the data plane's registry that /metrics serves.
//
// Per-request series are bound once per (pool, model, target model) and kept in an `ObjectiveMeter`,
// so the hot path observes through pre-bound children and builds no label objects. Pool gauges are read
// from the pools' pickers when Prometheus scrapes.

import { Counter, Gauge, Histogram } from 'prom-client';
import type { EndpointPicker } from '../inference/picker.ts';
import type { SchedulingResult } from '../inference/scheduling/types.ts';
import { sluiceVersion } from '../version.ts';
import { metricsRegistry } from './metrics.ts';

const registers = [metricsRegistry];
const model = ['model_name', 'target_model_name'] as const;

/** Long-running inference, 5 ms to an hour. */
const latencyBuckets = [
  0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60, 120,
  180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600,
];
const tpotBuckets = [
  0.0005, 0.00205, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.125, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1,
  1.5, 2, 3, 4.5, 6, 12, 18, 24, 30, 36, 48, 60, 90, 120, 180, 270, 360,
];
const tokenBuckets = [
  1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32778, 65536, 131072, 262144, 524288,
  1048576,
];
/** Decisions taken in-process, 100 µs to 100 ms. */
const decisionBuckets = [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1];

const requestTotal = new Counter({
  name: 'inference_objective_request_total',
  help: 'Counter of inference objective requests broken out for each model and target model.',
  labelNames: [...model, 'priority'],
  registers,
});
const requestErrors = new Counter({
  name: 'inference_objective_request_error_total',
  help: 'Counter of inference objective requests errors broken out for each model and target model.',
  labelNames: [...model, 'error_code'],
  registers,
});
const requestDuration = new Histogram({
  name: 'inference_objective_request_duration_seconds',
  help: 'Inference objective response latency distribution in seconds for each model and target model.',
  labelNames: model,
  buckets: latencyBuckets,
  registers,
});
const requestTtft = new Histogram({
  name: 'inference_objective_request_ttft_seconds',
  help: 'Inference model TTFT distribution in seconds for each model and target model.',
  labelNames: model,
  buckets: latencyBuckets,
  registers,
});
const requestTpot = new Histogram({
  name: 'inference_objective_request_tpot_seconds',
  help: 'Inference model TPOT distribution in seconds for each model and target model.',
  labelNames: model,
  buckets: tpotBuckets,
  registers,
});
const requestSizes = new Histogram({
  name: 'inference_objective_request_sizes',
  help: 'Inference objective requests size distribution in bytes for each model and target model.',
  labelNames: model,
  buckets: [
    64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576, 2097152,
    4194304, 8388608, 16777216, 33554432, 67108864, 134217728, 268435456, 536870912, 1073741824,
  ],
  registers,
});
const responseSizes = new Histogram({
  name: 'inference_objective_response_sizes',
  help: 'Inference objective responses size distribution in bytes for each model and target model.',
  labelNames: model,
  buckets: [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32778, 65536],
  registers,
});
const inputTokens = new Histogram({
  name: 'inference_objective_input_tokens',
  help: 'Inference objective input token count distribution for requests in each model.',
  labelNames: model,
  buckets: tokenBuckets,
  registers,
});
const outputTokens = new Histogram({
  name: 'inference_objective_output_tokens',
  help: 'Inference objective output token count distribution for requests in each model.',
  labelNames: model,
  buckets: [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192],
  registers,
});
const cachedTokens = new Histogram({
  name: 'inference_objective_prompt_cached_tokens',
  help: 'Inference objective prompt cached token count distribution for requests in each model.',
  labelNames: model,
  buckets: tokenBuckets,
  registers,
});
const runningRequests = new Gauge({
  name: 'inference_objective_running_requests',
  help: 'Inference objective number of running requests in each model.',
  labelNames: ['model_name'],
  registers,
});
const normalizedTimePerOutputToken = new Histogram({
  name: 'inference_objective_normalized_time_per_output_token_seconds',
  help: 'Inference objective latency divided by number of output tokens in seconds for each model and target model.',
  labelNames: model,
  buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10],
  registers,
});
const schedulerE2e = new Histogram({
  name: 'inference_extension_scheduler_e2e_duration_seconds',
  help: 'End-to-end scheduling latency distribution in seconds.',
  buckets: decisionBuckets,
  registers,
});
const prefixHitRatio = new Histogram({
  name: 'inference_extension_prefix_indexer_hit_ratio',
  help: 'Ratio of prefix length matched to total prefix length in the cache lookup.',
  buckets: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
  registers,
});
const queueDuration = new Histogram({
  name: 'inference_extension_flow_control_request_queue_duration_seconds',
  help: 'Distribution of total time requests spend in the Flow Control layer (from enqueue to final outcome).',
  labelNames: ['fairness_id', 'priority', 'outcome', 'inference_pool', ...model],
  buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers,
});

/** Every pool's picker, by pool id, from when the data plane created it; pools that went away drop out at the next scrape. */
const pools = new Map<string, PoolMeter>();

/** The live pools, forgetting those whose picker was closed (pool removed or reconfigured). */
function livePools(): PoolMeter[] {
  const live: PoolMeter[] = [];
  for (const [id, meter] of pools) {
    if (meter.picker.flow.closed) pools.delete(id);
    else live.push(meter);
  }
  return live;
}

/** A gauge per pool, computed from its picker at scrape time. */
function poolGauge(name: string, help: string, value: (picker: EndpointPicker) => number | undefined) {
  return new Gauge({
    name,
    help,
    labelNames: ['name'],
    registers,
    collect() {
      this.reset();
      for (const meter of livePools()) {
        const current = value(meter.picker);
        if (current !== undefined) this.set({ name: meter.picker.pool }, current);
      }
    },
  });
}

/** Endpoints whose last scrape succeeded: the ones whose metrics say something. */
const scraped = (picker: EndpointPicker) =>
  picker.endpoints.list().filter((endpoint) => endpoint.scrape.lastScrapeOk);

function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  let total = 0;
  for (const value of values) total += value;
  return total / values.length;
}

poolGauge(
  'inference_pool_average_kv_cache_utilization',
  'The average kv cache utilization for an inference server pool.',
  (picker) => mean(scraped(picker).map((endpoint) => endpoint.metrics.kvCacheUsage)),
);
poolGauge(
  'inference_pool_average_queue_size',
  'The average number of requests pending in the model server queue.',
  (picker) => mean(scraped(picker).map((endpoint) => endpoint.metrics.waitingQueueSize)),
);
poolGauge(
  'inference_pool_average_running_requests',
  'The average number of running requests across model servers in the pool.',
  (picker) => mean(scraped(picker).map((endpoint) => endpoint.metrics.runningRequests)),
);
poolGauge(
  'inference_pool_ready_pods',
  'The number of ready pods in the inference server pool.',
  (picker) => picker.endpoints.list().length,
);

new Gauge({
  name: 'inference_pool_per_pod_queue_size',
  help: 'The total number of requests pending in the model server queue for each underlying pod.',
  labelNames: ['name', 'model_server_pod'],
  registers,
  collect() {
    this.reset();
    for (const meter of livePools()) {
      for (const endpoint of scraped(meter.picker))
        this.set(
          { name: meter.picker.pool, model_server_pod: endpoint.name },
          endpoint.metrics.waitingQueueSize,
        );
    }
  },
});

new Gauge({
  name: 'inference_extension_flow_control_pool_saturation',
  help: 'Current saturation level of the inference pool (0.0 = empty, 1.0 = fully saturated).',
  labelNames: ['inference_pool'],
  registers,
  collect() {
    this.reset();
    for (const meter of livePools())
      this.set({ inference_pool: meter.picker.pool }, meter.picker.saturation());
  },
});

new Gauge({
  name: 'inference_extension_prefix_indexer_size',
  help: 'Size of the prefix indexer.',
  labelNames: ['inference_pool'],
  registers,
  collect() {
    this.reset();
    for (const meter of livePools()) {
      const size = meter.picker.prefixIndexSize();
      if (size !== undefined) this.set({ inference_pool: meter.picker.pool }, size);
    }
  },
});

/** The requests waiting in a pool's flow control, grouped by the queue gauges' labels. */
function queueGauge(name: string, help: string, amount: (bytes: number) => number) {
  return new Gauge({
    name,
    help,
    labelNames: ['fairness_id', 'priority', 'inference_pool', ...model],
    registers,
    collect() {
      this.reset();
      for (const meter of livePools()) {
        for (const { priority, request, bytes } of meter.picker.flow.waiting()) {
          const labels = {
            fairness_id: request.fairnessId,
            priority: String(priority),
            inference_pool: meter.picker.pool,
            model_name: request.model,
            target_model_name: request.targetModel,
          };
          this.inc(labels, amount(bytes));
        }
      }
    },
  });
}
queueGauge(
  'inference_extension_flow_control_queue_size',
  'Current number of requests actively held in the Flow Control queue.',
  () => 1,
);
queueGauge(
  'inference_extension_flow_control_queue_bytes',
  'Current total size in bytes of requests actively held in the Flow Control queue.',
  (bytes) => bytes,
);

new Gauge({
  name: 'inference_extension_info',
  help: 'General information of the current build of Inference Extension.',
  labelNames: ['commit', 'build_ref'],
  registers,
}).set({ commit: process.env.SLUICE_COMMIT || 'unknown', build_ref: `v${sluiceVersion}` }, 1);

/** How a request's wait in flow control ended (upstream's QueueOutcome names). */
export type QueueOutcome = 'Dispatched' | 'RejectedCapacity' | 'EvictedTTL' | 'EvictedContextCancelled';

/** What a finished inference request reports; token counts as the response's usage gave them. */
export interface ObjectiveReport {
  durationSeconds: number;
  /** Until the first body byte of a streamed answer; undefined for answers that are not streamed. */
  ttftSeconds: number | undefined;
  responseBytes: number;
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  cachedTokens: number | undefined;
}

/** The series of one (model, target model) on one pool, bound once. */
export class ObjectiveMeter {
  readonly model: string;
  readonly targetModel: string;
  readonly #pool: string;
  readonly #byPriority = new Map<number, Counter.Internal>();
  readonly #byError = new Map<string, Counter.Internal>();
  readonly #byQueue = new Map<string, Histogram.Internal<string>>();
  readonly #running: Gauge.Internal<string>;
  readonly #duration: Histogram.Internal<string>;
  readonly #ttft: Histogram.Internal<string>;
  readonly #tpot: Histogram.Internal<string>;
  readonly #requestSize: Histogram.Internal<string>;
  readonly #responseSize: Histogram.Internal<string>;
  readonly #input: Histogram.Internal<string>;
  readonly #output: Histogram.Internal<string>;
  readonly #cached: Histogram.Internal<string>;
  readonly #ntpot: Histogram.Internal<string>;

  constructor(pool: string, modelName: string, targetModel: string) {
    this.model = modelName;
    this.targetModel = targetModel;
    this.#pool = pool;
    const labels = { model_name: modelName, target_model_name: targetModel };
    this.#running = runningRequests.labels({ model_name: modelName });
    this.#duration = requestDuration.labels(labels);
    this.#ttft = requestTtft.labels(labels);
    this.#tpot = requestTpot.labels(labels);
    this.#requestSize = requestSizes.labels(labels);
    this.#responseSize = responseSizes.labels(labels);
    this.#input = inputTokens.labels(labels);
    this.#output = outputTokens.labels(labels);
    this.#cached = cachedTokens.labels(labels);
    this.#ntpot = normalizedTimePerOutputToken.labels(labels);
  }

  /** A request got an endpoint: counted, and running until `ended`. */
  started(priority: number, requestBytes: number): void {
    let counter = this.#byPriority.get(priority);
    if (counter === undefined) {
      counter = requestTotal.labels({
        model_name: this.model,
        target_model_name: this.targetModel,
        priority: String(priority),
      });
      this.#byPriority.set(priority, counter);
    }
    counter.inc();
    this.#requestSize.observe(requestBytes);
    this.#running.inc();
  }

  /** A started request ended, however it ended. */
  ended(): void {
    this.#running.dec();
  }

  /** A request that failed: the gateway's error code, or `model_server_error` for an error answer. */
  failed(code: string): void {
    let counter = this.#byError.get(code);
    if (counter === undefined) {
      counter = requestErrors.labels({
        model_name: this.model,
        target_model_name: this.targetModel,
        error_code: code,
      });
      this.#byError.set(code, counter);
    }
    counter.inc();
  }

  /** A request whose answer the client got whole. */
  completed(report: ObjectiveReport): void {
    this.#duration.observe(report.durationSeconds);
    this.#responseSize.observe(report.responseBytes);
    const { promptTokens, completionTokens, ttftSeconds } = report;
    if (promptTokens !== undefined && promptTokens > 0) this.#input.observe(promptTokens);
    if (report.cachedTokens !== undefined) this.#cached.observe(report.cachedTokens);
    if (ttftSeconds !== undefined) this.#ttft.observe(ttftSeconds);
    if (completionTokens === undefined || completionTokens <= 0) return;
    this.#output.observe(completionTokens);
    this.#ntpot.observe(report.durationSeconds / completionTokens);
    if (ttftSeconds !== undefined && completionTokens > 1)
      this.#tpot.observe((report.durationSeconds - ttftSeconds) / (completionTokens - 1));
  }

  /** The request's time in flow control and how it ended there. */
  queued(fairnessId: string, priority: number, outcome: QueueOutcome, seconds: number): void {
    const key = `${fairnessId}\n${priority}\n${outcome}`;
    let histogram = this.#byQueue.get(key);
    if (histogram === undefined) {
      histogram = queueDuration.labels({
        fairness_id: fairnessId,
        priority: String(priority),
        outcome,
        inference_pool: this.#pool,
        model_name: this.model,
        target_model_name: this.targetModel,
      });
      this.#byQueue.set(key, histogram);
    }
    histogram.observe(seconds);
  }
}

/** One pool's meters: its picker for the pool gauges, its objective meters, the scheduling series. */
export class PoolMeter {
  readonly picker: EndpointPicker;
  /** Names of the profile's prefix-cache scorers, whose score is the primary's prefix hit ratio. */
  readonly #prefixScorers: string[];
  readonly #objectives = new Map<string, Map<string, ObjectiveMeter>>();

  private constructor(picker: EndpointPicker) {
    this.picker = picker;
    this.#prefixScorers = [...picker.config.plugins.values()]
      .filter((plugin) => plugin.type === 'prefix-cache-scorer')
      .map((plugin) => plugin.name);
  }

  /** The meter of the pool this picker serves; the pool's gauges are read from it from now on. */
  static for(picker: EndpointPicker): PoolMeter {
    let meter = pools.get(picker.pool);
    if (meter === undefined || meter.picker !== picker) {
      meter = new PoolMeter(picker);
      pools.set(picker.pool, meter);
    }
    return meter;
  }

  objective(modelName: string, targetModel: string): ObjectiveMeter {
    let byTarget = this.#objectives.get(modelName);
    if (byTarget === undefined) {
      byTarget = new Map();
      this.#objectives.set(modelName, byTarget);
    }
    let meter = byTarget.get(targetModel);
    if (meter === undefined) {
      meter = new ObjectiveMeter(this.picker.pool, modelName, targetModel);
      byTarget.set(targetModel, meter);
    }
    return meter;
  }

  /** One scheduling decision: how long it took, and how much of the prompt the primary holds. */
  scheduled(seconds: number, result: SchedulingResult): void {
    schedulerE2e.observe(seconds);
    if (this.#prefixScorers.length === 0) return;
    const profile = result.profileResults[result.primaryProfile];
    const primary = profile?.endpoints[0];
    const scored = profile?.candidates.find((candidate) => candidate.endpoint === primary);
    if (scored === undefined) return;
    for (const name of this.#prefixScorers) {
      const ratio = scored.scores[name];
      if (ratio !== undefined) prefixHitRatio.observe(ratio);
    }
  }
}
