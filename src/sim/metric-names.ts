// The Prometheus names, help texts and buckets a simulated replica exposes, per engine it impersonates.
//
// vLLM's come from vllm/v1/metrics/loggers.py (PrometheusStatLogger), SGLang's from
// python/sglang/srt/metrics/collector.py. Python's prometheus_client appends `_total` to counters when
// it writes them, so counter names here carry the suffix a scraper actually sees.

export type EngineKind = 'vllm' | 'sglang';

export interface MetricSpec {
  name: string;
  help: string;
}

export interface HistogramSpec extends MetricSpec {
  buckets: readonly number[];
}

/** Metrics both engines have, under each engine's name; optional ones exist for one engine only. */
export interface EngineMetricNames {
  running: MetricSpec;
  waiting: MetricSpec;
  kvUsage: MetricSpec;
  promptTokens: MetricSpec;
  generationTokens: MetricSpec;
  /** Finished requests; vLLM labels them with `finished_reason`. */
  requests: MetricSpec & { reasonLabel: boolean };
  ttft: HistogramSpec;
  interTokenLatency: HistogramSpec;
  e2eLatency: HistogramSpec;
  queueTime: HistogramSpec;
  prefixQueries?: MetricSpec;
  prefixHits?: MetricSpec;
  cachedTokens?: MetricSpec;
  preemptions?: MetricSpec;
  prefillTime?: HistogramSpec;
  decodeTime?: HistogramSpec;
  inferenceTime?: HistogramSpec;
  timePerOutputToken?: HistogramSpec;
  iterationTokens?: HistogramSpec;
  /** Per-request token counts, bucketed 1-2-5 up to the model length. */
  requestPromptTokens?: MetricSpec;
  requestGenerationTokens?: MetricSpec;
  requestMaxTokens?: MetricSpec;
}

/** vLLM's 1-2-5 token-count buckets up to the model length (`build_1_2_5_buckets`). */
export function oneTwoFiveBuckets(max: number): number[] {
  const buckets: number[] = [];
  for (let power = 1; ; power *= 10) {
    for (const mantissa of [1, 2, 5]) {
      if (mantissa * power > max) return buckets;
      buckets.push(mantissa * power);
    }
  }
}

const vllmTtftBuckets = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0,
  80.0, 160.0, 640.0, 2560.0,
];
const vllmTokenLatencyBuckets = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
];
const vllmRequestLatencyBuckets = [
  0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0,
  960.0, 1920.0, 7680.0,
];

export const vllmMetricNames: EngineMetricNames = {
  running: { name: 'vllm:num_requests_running', help: 'Number of requests in model execution batches.' },
  waiting: { name: 'vllm:num_requests_waiting', help: 'Number of requests waiting to be processed.' },
  kvUsage: { name: 'vllm:kv_cache_usage_perc', help: 'KV-cache usage. 1 means 100 percent usage.' },
  promptTokens: { name: 'vllm:prompt_tokens_total', help: 'Number of prefill tokens processed.' },
  generationTokens: { name: 'vllm:generation_tokens_total', help: 'Number of generation tokens processed.' },
  requests: {
    name: 'vllm:request_success_total',
    help: 'Count of successfully processed requests.',
    reasonLabel: true,
  },
  ttft: {
    name: 'vllm:time_to_first_token_seconds',
    help: 'Histogram of time to first token in seconds.',
    buckets: vllmTtftBuckets,
  },
  interTokenLatency: {
    name: 'vllm:inter_token_latency_seconds',
    help: 'Histogram of inter-token latency in seconds.',
    buckets: vllmTokenLatencyBuckets,
  },
  e2eLatency: {
    name: 'vllm:e2e_request_latency_seconds',
    help: 'Histogram of e2e request latency in seconds.',
    buckets: vllmRequestLatencyBuckets,
  },
  queueTime: {
    name: 'vllm:request_queue_time_seconds',
    help: 'Histogram of time spent in WAITING phase for request.',
    buckets: vllmRequestLatencyBuckets,
  },
  prefixQueries: {
    name: 'vllm:prefix_cache_queries_total',
    help: 'Prefix cache queries, in terms of number of queried tokens.',
  },
  prefixHits: {
    name: 'vllm:prefix_cache_hits_total',
    help: 'Prefix cache hits, in terms of number of cached tokens.',
  },
  preemptions: {
    name: 'vllm:num_preemptions_total',
    help: 'Cumulative number of preemption from the engine.',
  },
  prefillTime: {
    name: 'vllm:request_prefill_time_seconds',
    help: 'Histogram of time spent in PREFILL phase for request.',
    buckets: vllmRequestLatencyBuckets,
  },
  decodeTime: {
    name: 'vllm:request_decode_time_seconds',
    help: 'Histogram of time spent in DECODE phase for request.',
    buckets: vllmRequestLatencyBuckets,
  },
  inferenceTime: {
    name: 'vllm:request_inference_time_seconds',
    help: 'Histogram of time spent in RUNNING phase for request.',
    buckets: vllmRequestLatencyBuckets,
  },
  timePerOutputToken: {
    name: 'vllm:request_time_per_output_token_seconds',
    help: 'Histogram of time_per_output_token_seconds per request.',
    buckets: vllmTokenLatencyBuckets,
  },
  iterationTokens: {
    name: 'vllm:iteration_tokens_total',
    help: 'Histogram of number of tokens per engine_step.',
    buckets: [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384],
  },
  requestPromptTokens: { name: 'vllm:request_prompt_tokens', help: 'Number of prefill tokens processed.' },
  requestGenerationTokens: {
    name: 'vllm:request_generation_tokens',
    help: 'Number of generation tokens processed.',
  },
  requestMaxTokens: {
    name: 'vllm:request_params_max_tokens',
    help: 'Histogram of the max_tokens request parameter.',
  },
};

export const sglangMetricNames: EngineMetricNames = {
  running: { name: 'sglang:num_running_reqs', help: 'The number of running requests.' },
  waiting: { name: 'sglang:num_queue_reqs', help: 'The number of requests in the waiting queue.' },
  kvUsage: { name: 'sglang:token_usage', help: 'The token usage.' },
  promptTokens: { name: 'sglang:prompt_tokens_total', help: 'Number of prefill tokens processed.' },
  generationTokens: {
    name: 'sglang:generation_tokens_total',
    help: 'Number of generation tokens processed.',
  },
  requests: { name: 'sglang:num_requests_total', help: 'Number of requests processed.', reasonLabel: false },
  ttft: {
    name: 'sglang:time_to_first_token_seconds',
    help: 'Histogram of time to first token in seconds.',
    buckets: [0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400],
  },
  interTokenLatency: {
    name: 'sglang:inter_token_latency_seconds',
    help: 'Histogram of inter-token latency in seconds.',
    buckets: [
      0.002, 0.004, 0.006, 0.008, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.06, 0.08, 0.1, 0.2, 0.4, 0.6,
      0.8, 1, 2, 4, 6, 8,
    ],
  },
  e2eLatency: {
    name: 'sglang:e2e_request_latency_seconds',
    help: 'Histogram of End-to-end request latency in seconds',
    buckets: [
      0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400, 600, 1200, 1800, 2400,
    ],
  },
  queueTime: {
    name: 'sglang:queue_time_seconds',
    help: 'Histogram of queueing time in seconds.',
    buckets: [
      0, 0.1, 0.2, 0.5, 1, 2, 3, 4, 5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 100, 200, 300, 400, 500, 600,
    ],
  },
  cachedTokens: { name: 'sglang:cached_tokens_total', help: 'Number of cached prompt tokens.' },
};
