// A replica's Prometheus registry: engine gauges read at scrape time, counters and histograms fed by engine events.
//
// Names follow the impersonated engine (metric-names.ts). Load gauges are collected from the live
// engine when scraped, unless fake metrics pin them. `vllm:lora_requests_info` behaves like vLLM's:
// one series per (max_lora, waiting, running) label set with the time it was last current as its
// value, so a reader takes the series with the largest value; old series stay, as in vLLM, up to a cap.

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineObserver, StepReport } from './engine.ts';
import type { FakeMetrics } from './fake-metrics.ts';
import {
  type EngineKind,
  type EngineMetricNames,
  type HistogramSpec,
  type MetricSpec,
  oneTwoFiveBuckets,
  sglangMetricNames,
  vllmMetricNames,
} from './metric-names.ts';
import type { FinishReason, SimRequest } from './request.ts';

/** What the gauges read from the engine at scrape time. */
export interface EngineState {
  running(): number;
  waiting(): number;
  kvUsage(): number;
  runningLoras(): string[];
  waitingLoras(): string[];
  /** Simulated now, for fake metrics that move over time. */
  nowMs(): number;
}

export interface MetricsConfig {
  engine: EngineKind;
  model: string;
  blockSize: number;
  numGpuBlocks: number;
  maxModelLen: number;
  maxLoras: number;
  enablePrefixCaching: boolean;
  /** vLLM only exports `vllm:lora_requests_info` when LoRA is enabled. */
  enableLora: boolean;
}

const maxLoraSeries = 256;

type Labels = Record<string, string>;

export class ReplicaMetrics implements EngineObserver {
  readonly registry = new Registry();
  readonly #names: EngineMetricNames;
  readonly #labels: Labels;
  readonly #state: EngineState;
  #fake: FakeMetrics = {};
  readonly #counters = new Map<string, Counter.Internal>();
  readonly #histograms = new Map<string, Histogram.Internal<string>>();
  readonly #requests: Counter;
  #prefixQueries = 0;
  #prefixHits = 0;

  constructor(config: MetricsConfig, state: EngineState) {
    this.#state = state;
    const vllm = config.engine === 'vllm';
    this.#names = vllm ? vllmMetricNames : sglangMetricNames;
    this.#labels = vllm ? { model_name: config.model, engine: '0' } : { model_name: config.model };
    const names = this.#names;
    const labelNames = Object.keys(this.#labels);
    const registers = [this.registry];
    this.#gauge(names.running, () => this.#fake.running?.(state.nowMs()) ?? state.running());
    this.#gauge(names.waiting, () => this.#fake.waiting?.(state.nowMs()) ?? state.waiting());
    this.#gauge(names.kvUsage, () => this.#fake.kvUsage?.(state.nowMs()) ?? state.kvUsage());

    for (const key of [
      'promptTokens',
      'generationTokens',
      'prefixQueries',
      'prefixHits',
      'cachedTokens',
      'preemptions',
    ] as const) {
      const spec = names[key];
      if (spec === undefined) continue;
      const counter = new Counter({ name: spec.name, help: spec.help, labelNames, registers });
      this.#counters.set(key, counter.labels(this.#labels));
    }
    this.#requests = new Counter({
      name: names.requests.name,
      help: names.requests.help,
      labelNames: names.requests.reasonLabel ? [...labelNames, 'finished_reason'] : labelNames,
      registers,
    });

    const tokenBuckets = oneTwoFiveBuckets(config.maxModelLen);
    const histogramKeys = [
      'ttft',
      'interTokenLatency',
      'e2eLatency',
      'queueTime',
      'prefillTime',
      'decodeTime',
      'inferenceTime',
      'timePerOutputToken',
      'iterationTokens',
      'requestPromptTokens',
      'requestGenerationTokens',
      'requestMaxTokens',
    ] as const;
    for (const key of histogramKeys) {
      const spec: MetricSpec | HistogramSpec | undefined = names[key];
      if (spec === undefined) continue;
      const buckets = 'buckets' in spec ? [...spec.buckets] : tokenBuckets;
      const histogram = new Histogram({ name: spec.name, help: spec.help, labelNames, buckets, registers });
      this.#histograms.set(key, histogram.labels(this.#labels));
    }

    if (vllm) this.#vllmInfo(config);
    else this.#sglangInfo(config, labelNames);
  }

  /** Pins (or, with an empty object, releases) the load gauges. */
  setFakeMetrics(fake: FakeMetrics): void {
    this.#fake = fake;
  }

  onStep(report: StepReport): void {
    this.#count('preemptions', report.preemptions);
    this.#count('prefixQueries', report.prefixQueries);
    this.#count('prefixHits', report.prefixHits);
    this.#count('cachedTokens', report.prefixHits);
    this.#prefixQueries += report.prefixQueries;
    this.#prefixHits += report.prefixHits;
    this.#observe('iterationTokens', report.scheduledTokens);
  }

  onFirstToken(request: SimRequest, nowMs: number): void {
    this.#count('promptTokens', request.numPromptTokens);
    this.#observe('ttft', (nowMs - request.spec.arrivalMs) / 1000);
  }

  onToken(_request: SimRequest, interTokenMs: number | undefined): void {
    this.#count('generationTokens', 1);
    if (interTokenMs !== undefined) this.#observe('interTokenLatency', interTokenMs / 1000);
  }

  onFinish(request: SimRequest, reason: FinishReason, nowMs: number): void {
    if (request.spec.pooling && reason !== 'abort') this.#count('promptTokens', request.numPromptTokens);
    const labels = this.#names.requests.reasonLabel
      ? { ...this.#labels, finished_reason: reason }
      : this.#labels;
    this.#requests.inc(labels);
    this.#observe('e2eLatency', (nowMs - request.spec.arrivalMs) / 1000);
    const scheduled = request.scheduledMs;
    if (scheduled === undefined) return;
    const seconds = (ms: number) => ms / 1000;
    const lastToken = request.lastTokenMs ?? nowMs;
    const firstToken = request.firstTokenMs ?? nowMs;
    this.#observe('queueTime', seconds(scheduled - request.queuedMs));
    this.#observe('prefillTime', seconds(firstToken - scheduled));
    this.#observe('decodeTime', seconds(lastToken - firstToken));
    this.#observe('inferenceTime', seconds(lastToken - scheduled));
    if (request.numOutput > 1)
      this.#observe('timePerOutputToken', seconds((lastToken - firstToken) / (request.numOutput - 1)));
    this.#observe('requestPromptTokens', request.numPromptTokens);
    this.#observe('requestGenerationTokens', request.numOutput);
    if (request.spec.maxTokensParam !== undefined)
      this.#observe('requestMaxTokens', request.spec.maxTokensParam);
  }

  #count(key: string, amount: number): void {
    if (amount > 0) this.#counters.get(key)?.inc(amount);
  }

  #observe(key: string, value: number): void {
    this.#histograms.get(key)?.observe(value);
  }

  #gauge(spec: MetricSpec, read: () => number): void {
    const labels = this.#labels;
    new Gauge({
      name: spec.name,
      help: spec.help,
      labelNames: Object.keys(labels),
      registers: [this.registry],
      collect() {
        this.set(labels, read());
      },
    });
  }

  #vllmInfo(config: MetricsConfig): void {
    const cacheInfo = {
      block_size: String(config.blockSize),
      cache_dtype: 'auto',
      enable_prefix_caching: config.enablePrefixCaching ? 'True' : 'False',
      gpu_memory_utilization: '0.9',
      num_cpu_blocks: 'None',
      num_gpu_blocks: String(config.numGpuBlocks),
      engine: '0',
    };
    new Gauge({
      name: 'vllm:cache_config_info',
      help: 'Information of the LLMEngine CacheConfig',
      labelNames: Object.keys(cacheInfo),
      registers: [this.registry],
    }).set(cacheInfo, 1);
    if (!config.enableLora) return;

    const state = this.#state;
    const fake = () => this.#fake.loras;
    const seen: Labels[] = [];
    new Gauge({
      name: 'vllm:lora_requests_info',
      help: 'Running stats on lora requests.',
      labelNames: ['max_lora', 'waiting_lora_adapters', 'running_lora_adapters'],
      registers: [this.registry],
      collect() {
        const series = fake() ?? [
          {
            running: state.runningLoras().join(','),
            waiting: state.waitingLoras().join(','),
            timestamp: Date.now() / 1000,
          },
        ];
        for (const { running, waiting, timestamp } of series) {
          const labels = {
            max_lora: String(config.maxLoras),
            waiting_lora_adapters: waiting,
            running_lora_adapters: running,
          };
          if (
            !seen.some(
              (old) => old.waiting_lora_adapters === waiting && old.running_lora_adapters === running,
            )
          ) {
            seen.push(labels);
            if (seen.length > maxLoraSeries) this.remove(seen.shift() as Labels);
          }
          this.set(labels, timestamp);
        }
      },
    });
  }

  #sglangInfo(config: MetricsConfig, labelNames: string[]): void {
    const capacity = (config.numGpuBlocks - 1) * config.blockSize;
    new Gauge({
      name: 'sglang:cache_config_info',
      help: 'Information of the cache configuration.',
      labelNames: [...labelNames, 'page_size', 'num_pages'],
      registers: [this.registry],
    }).set(
      { ...this.#labels, page_size: String(config.blockSize), num_pages: String(config.numGpuBlocks - 1) },
      1,
    );
    new Gauge({
      name: 'sglang:max_total_num_tokens',
      help: 'Maximum total number of tokens in the KV cache pool.',
      labelNames,
      registers: [this.registry],
    }).set(this.#labels, capacity);
    const state = this.#state;
    this.#gauge({ name: 'sglang:num_used_tokens', help: 'The number of used tokens.' }, () =>
      Math.round(state.kvUsage() * capacity),
    );
    this.#gauge({ name: 'sglang:cache_hit_rate', help: 'The prefix cache hit rate.' }, () =>
      this.#prefixQueries === 0 ? 0 : this.#prefixHits / this.#prefixQueries,
    );
  }
}
