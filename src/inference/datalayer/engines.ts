// Which metric names mean what on each model-server engine, and which engine an endpoint runs.
//
// The built-in mappings are the Inference Extension's model-server protocol table (vLLM, SGLang,
// trtllm-serve, Triton TensorRT-LLM). An endpoint's engine comes from its `llm-d.ai/engine-type` label
// (or the older `inference.networking.k8s.io/engine-type`), else the pool's default engine.

import { type MetricSelector, parseMetricSelector } from './metric-selector.ts';

/** One engine's metric selectors as configuration text; an empty string disables that metric. */
export interface EngineSpecText {
  name: string;
  queuedRequestsSpec?: string;
  runningRequestsSpec?: string;
  kvUsageSpec?: string;
  loraSpec?: string;
  /** An info gauge whose labels carry the block size and block count. */
  cacheInfoSpec?: string;
  cacheBlockSizeLabelName?: string;
  cacheNumBlocksLabelName?: string;
  /** Gauges whose values are the block size and block count (Triton, trtllm-serve). */
  cacheBlockSizeSpec?: string;
  cacheNumBlocksSpec?: string;
}

export interface EngineMapping {
  name: string;
  queuedRequests: MetricSelector | undefined;
  runningRequests: MetricSelector | undefined;
  kvUsage: MetricSelector | undefined;
  lora: MetricSelector | undefined;
  cacheInfo: MetricSelector | undefined;
  cacheBlockSizeLabel: string;
  cacheNumBlocksLabel: string;
  cacheBlockSize: MetricSelector | undefined;
  cacheNumBlocks: MetricSelector | undefined;
  /** Every metric name the mapping reads, so the scrape parser can skip the rest. */
  names: ReadonlySet<string>;
}

export interface EngineMappings {
  engineLabelKey: string;
  defaultEngine: string;
  byName: ReadonlyMap<string, EngineMapping>;
}

export const engineLabelKey = 'llm-d.ai/engine-type';
export const legacyEngineLabelKey = 'inference.networking.k8s.io/engine-type';
export const defaultEngineName = 'vllm';

export const builtinEngines: readonly EngineSpecText[] = [
  {
    name: 'vllm',
    queuedRequestsSpec: 'vllm:num_requests_waiting',
    runningRequestsSpec: 'vllm:num_requests_running',
    kvUsageSpec: 'vllm:kv_cache_usage_perc',
    loraSpec: 'vllm:lora_requests_info',
    cacheInfoSpec: 'vllm:cache_config_info',
  },
  {
    name: 'sglang',
    queuedRequestsSpec: 'sglang:num_queue_reqs',
    runningRequestsSpec: 'sglang:num_running_reqs',
    kvUsageSpec: 'sglang:token_usage',
    cacheInfoSpec: 'sglang:cache_config_info',
    cacheBlockSizeLabelName: 'page_size',
    cacheNumBlocksLabelName: 'num_pages',
  },
  {
    name: 'trtllm-serve',
    queuedRequestsSpec: 'trtllm_num_requests_waiting',
    runningRequestsSpec: 'trtllm_num_requests_running',
    kvUsageSpec: 'trtllm_kv_cache_utilization',
    cacheBlockSizeSpec: 'trtllm_kv_cache_tokens_per_block',
    cacheNumBlocksSpec: 'trtllm_kv_cache_max_blocks',
  },
  {
    name: 'triton-tensorrt-llm',
    queuedRequestsSpec: 'nv_trt_llm_request_metrics{request_type=waiting}',
    runningRequestsSpec: 'nv_trt_llm_request_metrics{request_type=scheduled}',
    kvUsageSpec: 'nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type=fraction}',
    cacheBlockSizeSpec: 'nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type=tokens_per}',
    cacheNumBlocksSpec: 'nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type=max}',
  },
];

/** Builds one engine's mapping; throws an Error naming the field whose selector does not parse. */
export function engineMapping(spec: EngineSpecText): EngineMapping {
  const selector = (field: keyof EngineSpecText): MetricSelector | undefined => {
    try {
      return parseMetricSelector(spec[field] ?? '');
    } catch (error) {
      throw new Error(`${field}: ${(error as Error).message}`);
    }
  };
  const mapping = {
    name: spec.name,
    queuedRequests: selector('queuedRequestsSpec'),
    runningRequests: selector('runningRequestsSpec'),
    kvUsage: selector('kvUsageSpec'),
    lora: selector('loraSpec'),
    cacheInfo: selector('cacheInfoSpec'),
    cacheBlockSizeLabel: spec.cacheBlockSizeLabelName || 'block_size',
    cacheNumBlocksLabel: spec.cacheNumBlocksLabelName || 'num_gpu_blocks',
    cacheBlockSize: selector('cacheBlockSizeSpec'),
    cacheNumBlocks: selector('cacheNumBlocksSpec'),
  };
  const selectors = [
    mapping.queuedRequests,
    mapping.runningRequests,
    mapping.kvUsage,
    mapping.lora,
    mapping.cacheInfo,
    mapping.cacheBlockSize,
    mapping.cacheNumBlocks,
  ];
  return { ...mapping, names: new Set(selectors.flatMap((item) => (item === undefined ? [] : [item.name]))) };
}

/**
 * The mappings a pool uses: the built-ins, replaced by name by `engines`. Throws an Error when an
 * engine's selectors do not parse or the default engine is unknown.
 */
export function engineMappings(
  options: { engineLabelKey?: string; defaultEngine?: string; engines?: readonly EngineSpecText[] } = {},
): EngineMappings {
  const byName = new Map<string, EngineMapping>();
  for (const spec of builtinEngines) byName.set(spec.name, engineMapping(spec));
  for (const spec of options.engines ?? []) byName.set(spec.name, engineMapping(spec));
  const defaultEngine = options.defaultEngine ?? defaultEngineName;
  if (!byName.has(defaultEngine))
    throw new Error(
      `defaultEngine ${JSON.stringify(defaultEngine)} is not one of ${[...byName.keys()].join(', ')}`,
    );
  return { engineLabelKey: options.engineLabelKey ?? engineLabelKey, defaultEngine, byName };
}

/** The mapping for an endpoint's labels; an unknown engine name falls back to the default engine. */
export function mappingFor(
  mappings: EngineMappings,
  labels: Readonly<Record<string, string>>,
): EngineMapping {
  const named = labels[mappings.engineLabelKey] || labels[legacyEngineLabelKey] || mappings.defaultEngine;
  return mappings.byName.get(named) ?? (mappings.byName.get(mappings.defaultEngine) as EngineMapping);
}
