import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePrometheusText } from './prometheus-text.ts';

const text = `# HELP vllm:num_requests_waiting Number of requests waiting to be processed.
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{engine="0",model_name="llama"} 3.0
vllm:kv_cache_usage_perc{engine="0",model_name="llama"} 0.25 1700000000000
vllm:lora_requests_info{max_lora="2",running_lora_adapters="a, b",waiting_lora_adapters=""} 1.7e9
weird{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb"} +Inf
vllm:e2e_request_latency_seconds_bucket{le="0.3",model_name="llama"} 0.0
`;

describe('Prometheus text parsing', () => {
  it('reads values, labels and timestamps of every family', () => {
    const families = parsePrometheusText(text);
    assert.deepEqual(families.get('vllm:num_requests_waiting'), [
      { labels: { engine: '0', model_name: 'llama' }, value: 3, timestamp: undefined },
    ]);
    assert.equal(families.get('vllm:kv_cache_usage_perc')?.[0].timestamp, 1_700_000_000_000);
    assert.equal(families.get('vllm:lora_requests_info')?.[0].labels.running_lora_adapters, 'a, b');
  });

  it('unescapes label values and reads special values', () => {
    const [sample] = parsePrometheusText(text).get('weird') ?? [];
    assert.deepEqual(sample.labels, { path: 'C:\\dir', quote: 'say "hi"', nl: 'a\nb' });
    assert.equal(sample.value, Number.POSITIVE_INFINITY);
  });

  it('parses only the wanted families and ignores malformed lines of others', () => {
    const families = parsePrometheusText(`${text}garbage{ 1 2 3\n`, new Set(['vllm:num_requests_waiting']));
    assert.deepEqual([...families.keys()], ['vllm:num_requests_waiting']);
  });

  it('fails on a malformed line of a wanted family, naming the line', () => {
    assert.throws(
      () => parsePrometheusText('a 1\nb{x="1"} many\n', new Set(['b'])),
      /metrics line 2: value "many"/,
    );
    assert.throws(() => parsePrometheusText('b{x="1} 3\n'), /unterminated value/);
    assert.throws(() => parsePrometheusText('b{x=1} 3\n'), /no quoted value/);
  });
});
