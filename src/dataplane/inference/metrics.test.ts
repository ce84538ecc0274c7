// Observability of the inference path through the real data plane to simulated vLLM replicas: the
// Inference Extension's Prometheus series read back from the registry /metrics serves, the reason header
// and body of every refusal, and the access log's fields.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import type OpenAI from 'openai';
import { parsePrometheusText } from '../../inference/datalayer/prometheus-text.ts';
import { setAccessLog } from '../../observability/access-log.ts';
import { setLogLevel } from '../../observability/log.ts';
import { metricsRegistry } from '../../observability/metrics.ts';
import type { Replica } from '../../sim/replica.ts';
import { DataPlane } from '../dataplane.ts';
import { freePort, httpPort, postJson, quietLog, type Reply } from '../testkit.ts';
import {
  applyWithPools,
  eventually,
  inferencePool,
  modelRoute,
  openAiClient,
  queueSaturationConfig,
  startSim,
} from './testkit.ts';

/** The sum of the series of `name` whose labels include `labels`; undefined when there is none. */
async function scrape(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const samples = parsePrometheusText(await metricsRegistry.metrics(), new Set([name])).get(name) ?? [];
  const matching = samples.filter((sample) =>
    Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  return matching.length === 0 ? undefined : matching.reduce((total, sample) => total + sample.value, 0);
}

/** A refusal as the client sees it: the status, the reason header, and the OpenAI error's code and reason. */
function assertRefused(reply: Reply, refusal: { status: number; reason: string; code: string }): void {
  assert.equal(reply.status, refusal.status, reply.body);
  assert.equal(reply.headers['x-sluice-reason'], refusal.reason);
  const { error } = JSON.parse(reply.body) as { error: Record<string, unknown> };
  assert.equal(error.code, refusal.code);
  assert.equal(error.reason, refusal.reason);
}

describe('inference metrics, refusal reasons and access log', () => {
  const plane = new DataPlane({ log: quietLog });
  const replicas: Replica[] = [];
  const logged: Record<string, unknown>[] = [];
  let port: number;
  let client: OpenAI;

  before(async () => {
    setLogLevel('error');
    setAccessLog((lines) => {
      for (const line of lines.trim().split('\n')) logged.push(JSON.parse(line) as Record<string, unknown>);
    });
    const [m0, m1, busy] = await Promise.all([
      startSim('metrics-model', 'metrics-0'),
      startSim('metrics-model', 'metrics-1'),
      // A saturated replica: its waiting queue is pinned at 10.
      startSim('busy-model', 'busy-0', { fakeMetrics: { 'waiting-requests': 10 } }),
    ]);
    replicas.push(m0, m1, busy);
    port = await freePort();
    const pools = [
      inferencePool('metrics/main', [m0.port, m1.port], {
        modelRewrites: [{ models: ['metrics-alias'], targets: [{ model: 'metrics-model', weight: 1 }] }],
      }),
      inferencePool('metrics/busy', [busy.port], {
        pickerConfig: queueSaturationConfig(),
        objectives: { batch: -1 },
      }),
      inferencePool('metrics/queued', [busy.port], {
        pickerConfig: queueSaturationConfig('flowControl: {maxRequests: 1, defaultRequestTTL: 10m}\n'),
      }),
      inferencePool('metrics/ttl', [busy.port], {
        pickerConfig: queueSaturationConfig('flowControl: {defaultRequestTTL: 20ms}\n'),
      }),
      inferencePool('metrics/empty', []),
    ];
    const routes = [
      modelRoute('metrics-model', 'metrics/main'),
      modelRoute('metrics-alias', 'metrics/main'),
      modelRoute('busy-model', 'metrics/busy'),
      modelRoute('queued-model', 'metrics/queued'),
      modelRoute('ttl-model', 'metrics/ttl'),
      modelRoute('empty-model', 'metrics/empty'),
    ];
    await applyWithPools(plane, [httpPort(port, routes)], pools);
    client = openAiClient(port);
  });

  after(async () => {
    setAccessLog(null);
    await plane.close();
    await Promise.all(replicas.map((replica) => replica.close()));
  });

  /** A small completion request, sent without the OpenAI client, which hides the reason header. */
  function complete(model: string, prompt: string, headers: Record<string, string> = {}): Promise<Reply> {
    return postJson(port, '/v1/completions', { model, prompt, max_tokens: 2 }, headers);
  }

  test('a completion is counted by model and priority, with its tokens, sizes and duration', async () => {
    const labels = { model_name: 'metrics-model', target_model_name: 'metrics-model' };
    const completion = await client.chat.completions.create(
      { model: 'metrics-model', messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 5 },
      { headers: { 'x-gateway-inference-fairness-id': 'tenant-a' } },
    );
    assert.equal(await scrape('inference_objective_request_total', { ...labels, priority: '0' }), 1);
    assert.equal(await scrape('inference_objective_request_duration_seconds_count', labels), 1);
    assert.equal(
      await scrape('inference_objective_input_tokens_sum', labels),
      completion.usage?.prompt_tokens,
    );
    assert.equal(
      await scrape('inference_objective_output_tokens_sum', labels),
      completion.usage?.completion_tokens,
    );
    assert.equal(await scrape('inference_objective_request_sizes_count', labels), 1);
    assert.ok(((await scrape('inference_objective_response_sizes_sum', labels)) ?? 0) > 0);
    assert.equal(
      await scrape('inference_objective_normalized_time_per_output_token_seconds_count', labels),
      1,
    );
    assert.equal(await scrape('inference_objective_running_requests', { model_name: 'metrics-model' }), 0);
    // Not a stream: the first byte is the whole answer, so no time to first token is recorded.
    assert.equal(await scrape('inference_objective_request_ttft_seconds_count', labels), undefined);
    assert.ok(((await scrape('inference_extension_scheduler_e2e_duration_seconds_count')) ?? 0) >= 1);
  });

  test('a stream records time to first token and per output token; a rewrite names its target', async () => {
    const labels = { model_name: 'metrics-alias', target_model_name: 'metrics-model' };
    const stream = await client.chat.completions.create({
      model: 'metrics-alias',
      messages: [{ role: 'user', content: 'Count to five.' }],
      max_tokens: 8,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _ of stream);
    assert.equal(await scrape('inference_objective_request_total', labels), 1);
    assert.equal(await scrape('inference_objective_request_ttft_seconds_count', labels), 1);
    assert.equal(await scrape('inference_objective_request_tpot_seconds_count', labels), 1);
  });

  test('the same prompt again hits the prefix index', async () => {
    const before = (await scrape('inference_extension_prefix_indexer_hit_ratio_sum')) ?? 0;
    const system = 'You answer questions about the metrics of an inference gateway. '.repeat(20);
    for (let i = 0; i < 2; i++)
      await client.chat.completions.create({
        model: 'metrics-model',
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: 'Which metrics?' },
        ],
        max_tokens: 2,
      });
    // The first sees an index that knows nothing of the prompt, the second a full match.
    assert.ok(((await scrape('inference_extension_prefix_indexer_hit_ratio_sum')) ?? 0) - before >= 0.99);
  });

  test('the prefix index size grows per pool with new prompts; a pool without a prefix scorer has none', async () => {
    const pool = { inference_pool: 'metrics/main' };
    const sizes = [(await scrape('inference_extension_prefix_indexer_size', pool)) ?? 0];
    for (const topic of ['queue sizes', 'cache utilisation']) {
      await client.chat.completions.create({
        model: 'metrics-model',
        messages: [
          { role: 'user', content: `Explain ${topic} of an inference gateway in detail. `.repeat(20) },
        ],
        max_tokens: 2,
      });
      sizes.push((await scrape('inference_extension_prefix_indexer_size', pool)) ?? 0);
    }
    // The prompts differ in their first block, and each block hash chains on the one before: all are new.
    assert.ok(sizes[1] > sizes[0] && sizes[2] > sizes[1], `sizes ${sizes.join(' → ')}`);
    // The busy pool serves with the queue scorer alone: no index, so no series.
    await client.completions.create({ model: 'busy-model', prompt: 'Hi', max_tokens: 2 });
    assert.equal(
      await scrape('inference_extension_prefix_indexer_size', { inference_pool: 'metrics/busy' }),
      undefined,
    );
  });

  test('pool gauges come from the pool endpoints and their scraped metrics', async () => {
    // A pool's gauges are read from its picker from the first request it serves on.
    await client.completions.create({ model: 'busy-model', prompt: 'Hi', max_tokens: 2 });
    await eventually(
      async () =>
        (await scrape('inference_pool_per_pod_queue_size', {
          name: 'metrics/busy',
          model_server_pod: 'metrics/busy-0',
        })) === 10,
      'the busy pool scraped',
    );
    assert.equal(await scrape('inference_pool_ready_pods', { name: 'metrics/main' }), 2);
    assert.equal(await scrape('inference_pool_average_queue_size', { name: 'metrics/busy' }), 10);
    assert.notEqual(
      await scrape('inference_pool_average_kv_cache_utilization', { name: 'metrics/main' }),
      undefined,
    );
    assert.ok(
      ((await scrape('inference_extension_flow_control_pool_saturation', {
        inference_pool: 'metrics/busy',
      })) ?? 0) >= 1,
    );
  });

  test('a shed request says why: 429, x-sluice-reason and the body, counted as an error', async () => {
    const reply = await complete('busy-model', 'Summarise this', {
      'x-gateway-inference-objective': 'batch',
    });
    assertRefused(reply, { status: 429, reason: 'sheddable', code: 'request_shed' });
    assert.equal(
      await scrape('inference_objective_request_error_total', {
        model_name: 'busy-model',
        error_code: 'request_shed',
      }),
      1,
    );
  });

  test('a pool without endpoints answers 503 no-endpoints', async () => {
    const reply = await complete('empty-model', 'Hi');
    assertRefused(reply, { status: 503, reason: 'no-endpoints', code: 'pool_no_endpoints' });
  });

  test('flow control: a waiting request shows in the queue gauges; a full queue is 429 queue-full', async () => {
    const labels = { inference_pool: 'metrics/queued', fairness_id: 'tenant-q', priority: '0' };
    const waiting = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/completions',
      headers: { 'content-type': 'application/json', 'x-gateway-inference-fairness-id': 'tenant-q' },
    });
    waiting.on('error', () => {});
    waiting.end(JSON.stringify({ model: 'queued-model', prompt: 'Wait for me', max_tokens: 2 }));
    await eventually(
      async () => (await scrape('inference_extension_flow_control_queue_size', labels)) === 1,
      'the request queued',
    );
    assert.ok(((await scrape('inference_extension_flow_control_queue_bytes', labels)) ?? 0) > 0);
    assert.equal(
      await scrape('inference_extension_flow_control_queue_size', {
        ...labels,
        model_name: 'queued-model',
        target_model_name: 'queued-model',
      }),
      1,
    );

    const full = await complete('queued-model', 'Me too');
    assertRefused(full, { status: 429, reason: 'queue-full', code: 'queue_full' });

    waiting.destroy();
    await eventually(
      async () => (await scrape('inference_extension_flow_control_queue_size', labels)) === undefined,
      'the queue emptied',
    );
    await eventually(
      async () =>
        (await scrape('inference_extension_flow_control_request_queue_duration_seconds_count', {
          ...labels,
          outcome: 'EvictedContextCancelled',
        })) === 1,
      'the abandoned wait measured',
    );
    assert.equal(
      await scrape('inference_extension_flow_control_request_queue_duration_seconds_count', {
        inference_pool: 'metrics/queued',
        outcome: 'RejectedCapacity',
      }),
      1,
    );
  });

  test('a request that waits past the TTL is 503 queue-ttl', async () => {
    const reply = await complete('ttl-model', 'Too late');
    assertRefused(reply, { status: 503, reason: 'queue-ttl', code: 'queue_timeout' });
    assert.equal(
      await scrape('inference_extension_flow_control_request_queue_duration_seconds_count', {
        inference_pool: 'metrics/ttl',
        outcome: 'EvictedTTL',
      }),
      1,
    );
  });

  test('the access log has a line per request with model, target, pool, endpoint, tokens and timings', async () => {
    const stream = await client.chat.completions.create(
      {
        model: 'metrics-alias',
        messages: [{ role: 'user', content: 'Log me.' }],
        max_tokens: 4,
        stream: true,
        stream_options: { include_usage: true },
      },
      { headers: { 'x-gateway-inference-fairness-id': 'tenant-log', 'x-request-id': 'log-me-1' } },
    );
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    await eventually(() => logged.some((line) => line.requestId === 'log-me-1'), 'the line written');
    const line = logged.find((entry) => entry.requestId === 'log-me-1');
    assert.ok(line);
    assert.equal(line.msg, 'inference request');
    assert.equal(line.model, 'metrics-alias');
    assert.equal(line.targetModel, 'metrics-model');
    assert.equal(line.pool, 'metrics/main');
    assert.equal(line.fairnessId, 'tenant-log');
    assert.equal(line.priority, 0);
    assert.equal(line.status, 200);
    assert.equal(line.stream, true);
    assert.equal(line.servedEndpoint, line.endpoint);
    assert.match(String(line.endpoint), /^127\.0\.0\.1:\d+$/);
    assert.equal(line.promptTokens, usage?.prompt_tokens);
    assert.equal(line.completionTokens, usage?.completion_tokens);
    assert.equal(line.queueMs, 0);
    assert.equal(typeof line.ttftMs, 'number');
    assert.equal(typeof line.durationMs, 'number');
    assert.equal(line.route, 'model/metrics-alias');

    const shed = logged.find((entry) => entry.model === 'busy-model' && entry.error !== undefined);
    assert.equal(shed?.status, 429);
    assert.equal(shed?.error, 'request_shed');
    assert.equal(shed?.reason, 'sheddable');
  });
});
