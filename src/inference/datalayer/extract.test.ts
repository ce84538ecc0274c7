import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unknownMetrics } from './endpoint.ts';
import { engineMappings, mappingFor } from './engines.ts';
import { extractMetrics } from './extract.ts';
import { parseMetricSelector } from './metric-selector.ts';
import { parsePrometheusText } from './prometheus-text.ts';

const mappings = engineMappings();

function extract(engine: string, text: string) {
  const mapping = mappingFor(mappings, { 'llm-d.ai/engine-type': engine });
  return extractMetrics(parsePrometheusText(text, mapping.names), mapping, unknownMetrics, 42);
}

describe('engine metric mappings', () => {
  it('reads vLLM gauges, the newest LoRA series and the cache geometry', () => {
    const { metrics, missing } = extract(
      'vllm',
      `vllm:num_requests_waiting{model_name="m"} 4
vllm:num_requests_running{model_name="m"} 7
vllm:kv_cache_usage_perc{model_name="m"} 0.5
vllm:lora_requests_info{max_lora="4",running_lora_adapters="old",waiting_lora_adapters=""} 100
vllm:lora_requests_info{max_lora="4",running_lora_adapters="sql, chat",waiting_lora_adapters="math"} 200
vllm:cache_config_info{block_size="16",num_gpu_blocks="26000",engine="0"} 1
`,
    );
    assert.deepEqual(missing, []);
    assert.equal(metrics.waitingQueueSize, 4);
    assert.equal(metrics.runningRequests, 7);
    assert.equal(metrics.kvCacheUsage, 0.5);
    assert.deepEqual([...metrics.activeModels], ['sql', 'chat']);
    assert.deepEqual([...metrics.waitingModels], ['math']);
    assert.equal(metrics.maxActiveModels, 4);
    assert.equal(metrics.cacheBlockSize, 16);
    assert.equal(metrics.cacheNumBlocks, 26000);
    assert.equal(metrics.updatedAt, 42);
  });

  it('reads trtllm-serve gauges', () => {
    const { metrics } = extract(
      'trtllm-serve',
      `# TYPE trtllm_num_requests_waiting gauge
trtllm_num_requests_waiting 2
trtllm_num_requests_running 9
trtllm_kv_cache_utilization 0.75
trtllm_kv_cache_tokens_per_block 32
trtllm_kv_cache_max_blocks 4096
`,
    );
    assert.deepEqual(
      [
        metrics.waitingQueueSize,
        metrics.runningRequests,
        metrics.kvCacheUsage,
        metrics.cacheBlockSize,
        metrics.cacheNumBlocks,
      ],
      [2, 9, 0.75, 32, 4096],
    );
  });

  it('reads Triton TensorRT-LLM series told apart by labels', () => {
    const { metrics } = extract(
      'triton-tensorrt-llm',
      `nv_trt_llm_request_metrics{model="ensemble",request_type="waiting",version="1"} 6
nv_trt_llm_request_metrics{model="ensemble",request_type="scheduled",version="1"} 3
nv_trt_llm_request_metrics{model="ensemble",request_type="max",version="1"} 64
nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type="fraction",model="ensemble",version="1"} 0.3
nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type="tokens_per",model="ensemble",version="1"} 64
nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type="max",model="ensemble",version="1"} 1000
`,
    );
    assert.deepEqual(
      [
        metrics.waitingQueueSize,
        metrics.runningRequests,
        metrics.kvCacheUsage,
        metrics.cacheBlockSize,
        metrics.cacheNumBlocks,
      ],
      [6, 3, 0.3, 64, 1000],
    );
  });

  it('keeps previous values for metrics a scrape lacks, and says which', () => {
    const mapping = mappingFor(mappings, {});
    const previous = { ...unknownMetrics, waitingQueueSize: 9 };
    const { metrics, missing } = extractMetrics(
      parsePrometheusText('vllm:kv_cache_usage_perc 0.1\n'),
      mapping,
      previous,
      1,
    );
    assert.equal(metrics.waitingQueueSize, 9);
    assert.equal(metrics.kvCacheUsage, 0.1);
    assert.ok(missing.includes('vllm:num_requests_waiting'));
  });

  it('chooses the engine by label, the legacy label, then the default', () => {
    assert.equal(mappingFor(mappings, { 'llm-d.ai/engine-type': 'sglang' }).name, 'sglang');
    assert.equal(
      mappingFor(mappings, { 'inference.networking.k8s.io/engine-type': 'sglang' }).name,
      'sglang',
    );
    assert.equal(mappingFor(mappings, {}).name, 'vllm');
    assert.equal(mappingFor(mappings, { 'llm-d.ai/engine-type': 'unknown' }).name, 'vllm');
    const custom = engineMappings({
      defaultEngine: 'mine',
      engines: [{ name: 'mine', queuedRequestsSpec: 'q' }],
    });
    assert.equal(mappingFor(custom, {}).queuedRequests?.name, 'q');
    assert.equal(mappingFor(custom, {}).kvUsage, undefined);
  });

  it('parses selectors with and without quotes, and rejects bad ones', () => {
    assert.deepEqual(parseMetricSelector('m{a=x, b="y z"}'), { name: 'm', labels: { a: 'x', b: 'y z' } });
    assert.equal(parseMetricSelector(''), undefined);
    assert.throws(() => parseMetricSelector('m{a}'), /is not label=value/);
    assert.throws(() => engineMappings({ defaultEngine: 'nope' }), /defaultEngine "nope"/);
  });
});
