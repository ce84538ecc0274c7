// The simulator's HTTP API over real sockets, read with the official `openai` client where it applies.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { request } from 'undici';
import { ScaledClock } from './clock.ts';
import { type ReplicaOptions, replicaDefaults } from './options.ts';
import { type Replica, startReplica } from './replica.ts';

// A thousand simulated seconds per wall second: answers come at once, their content is what is checked.
const clock = new ScaledClock(1000);

function options(overrides: Partial<ReplicaOptions> = {}): ReplicaOptions {
  return { ...replicaDefaults, port: 0, pod: 'sim-a', namespace: 'tests', enableLora: true, ...overrides };
}

async function post(replica: Replica, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await request(`${replica.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

async function get(replica: Replica, path: string) {
  const response = await request(`${replica.url}${path}`);
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

/** The value of one Prometheus series (name plus exact label text), or undefined. */
function sample(metrics: string, series: string): number | undefined {
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const longPrompt = 'The quick brown fox jumps over the lazy dog near the river bank. '.repeat(40);

describe('OpenAI API', () => {
  let replica: Replica;
  let client: OpenAI;
  const model = 'meta-llama/Llama-3.1-8B-Instruct';

  before(async () => {
    replica = await startReplica(options(), clock);
    client = new OpenAI({ baseURL: `${replica.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => replica.close());

  it('answers a chat completion with usage and identity headers', async () => {
    const { data, response } = await client.chat.completions
      .create({
        model,
        messages: [{ role: 'user', content: 'Say hello.' }],
        max_tokens: 7,
        ignore_eos: true,
      } as never)
      .withResponse();
    assert.equal(data.object, 'chat.completion');
    assert.match(data.id, /^chatcmpl-/);
    assert.equal(data.model, model);
    assert.equal(data.choices[0].message.role, 'assistant');
    assert.equal(data.choices[0].finish_reason, 'length');
    assert.ok((data.choices[0].message.content ?? '').length > 0);
    assert.equal(data.usage?.completion_tokens, 7);
    assert.equal(data.usage?.total_tokens, (data.usage?.prompt_tokens ?? 0) + 7);
    assert.equal(data.usage?.prompt_tokens_details?.cached_tokens, 0);
    assert.equal(response.headers.get('x-inference-pod'), 'sim-a');
    assert.equal(response.headers.get('x-inference-port'), String(replica.port));
    assert.equal(response.headers.get('x-inference-namespace'), 'tests');
  });

  it('streams chat chunks in OpenAI format, with the usage chunk and [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Count to three.' }],
      max_tokens: 5,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const [first, ...rest] = chunks;
    assert.equal(first.object, 'chat.completion.chunk');
    assert.deepEqual(first.choices[0].delta, { role: 'assistant', content: '' });
    const usageChunk = rest.pop();
    assert.deepEqual(usageChunk?.choices, []);
    const tokens = rest.length;
    assert.equal(usageChunk?.usage?.completion_tokens, tokens);
    assert.ok(usageChunk?.usage?.prompt_tokens_details !== undefined);
    assert.ok(rest.slice(0, -1).every((chunk) => chunk.choices[0].finish_reason === null));
    assert.ok(['stop', 'length'].includes(rest.at(-1)?.choices[0].finish_reason ?? ''));
    assert.ok(chunks.every((chunk) => chunk.id === first.id));
  });

  it('ends the raw stream with data: [DONE] and omits usage unless asked', async () => {
    const { text, headers } = await post(replica, '/v1/chat/completions', {
      model,
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 2,
      stream: true,
    });
    assert.match(String(headers['content-type']), /^text\/event-stream/);
    const events = text.split('\n\n').filter((event) => event !== '');
    assert.equal(events.at(-1), 'data: [DONE]');
    assert.ok(
      events.slice(0, -1).every((event) => event.startsWith('data: {') && !event.includes('"usage"')),
    );
  });

  it('answers completions, streamed and not', async () => {
    const completion = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 3 });
    assert.equal(completion.object, 'text_completion');
    assert.match(completion.id, /^cmpl-/);
    assert.ok(completion.choices[0].text.length > 0);
    const stream = await client.completions.create({
      model,
      prompt: 'Once upon a time',
      max_tokens: 3,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? '';
      usage = chunk.usage ?? usage;
    }
    assert.ok(text.length > 0);
    assert.equal(usage?.completion_tokens, 3);
  });

  it('reports prompt tokens served from the prefix cache', async () => {
    const ask = (question: string) =>
      client.chat.completions.create({
        model,
        messages: [
          { role: 'system', content: longPrompt },
          { role: 'user', content: question },
        ],
        max_tokens: 1,
      });
    const cold = await ask('What is the first animal?');
    const warm = await ask('What is the second animal?');
    assert.equal(cold.usage?.prompt_tokens_details?.cached_tokens, 0);
    const cached = warm.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    assert.ok(cached >= 400, `the shared system prompt is cached (${cached} tokens)`);
    assert.equal(cached % 16, 0, 'hits are whole blocks');
  });

  it('embeds text, as floats and as base64 (the client default)', async () => {
    const floats = await client.embeddings.create({
      model,
      input: ['alpha', 'beta'],
      encoding_format: 'float',
    });
    assert.equal(floats.data.length, 2);
    assert.equal(floats.data[0].embedding.length, 1024);
    const decoded = await client.embeddings.create({ model, input: 'alpha' });
    assert.deepEqual(
      decoded.data[0].embedding.map((value) => value.toFixed(5)),
      floats.data[0].embedding.map((value) => value.toFixed(5)),
    );
    assert.ok(floats.usage.prompt_tokens > 0);
  });

  it('lists the base model and loaded adapters, and serves an adapter by name', async () => {
    const load = await post(replica, '/v1/load_lora_adapter', {
      lora_name: 'sql-lora',
      lora_path: '/adapters/sql',
    });
    assert.equal(load.status, 200);
    assert.equal(load.text, "Success: LoRA adapter 'sql-lora' added successfully.");
    const again = await post(replica, '/v1/load_lora_adapter', {
      lora_name: 'sql-lora',
      lora_path: '/adapters/sql',
    });
    assert.equal(again.status, 400);

    const models = await client.models.list();
    const ids = models.data.map((card) => card.id);
    assert.deepEqual(ids, [model, 'sql-lora']);
    const adapter = models.data[1] as unknown as { parent: string; root: string };
    assert.equal(adapter.parent, model);
    assert.equal(adapter.root, '/adapters/sql');

    const { data: answer, response } = await client.chat.completions
      .create({ model: 'sql-lora', messages: [{ role: 'user', content: 'q' }] })
      .withResponse();
    assert.equal(answer.model, 'sql-lora');
    assert.equal(response.headers.get('x-inference-model'), 'sql-lora', 'the served model is reported');

    const unload = await post(replica, '/v1/unload_lora_adapter', { lora_name: 'sql-lora' });
    assert.equal(unload.status, 200);
    await assert.rejects(
      client.chat.completions.create({ model: 'sql-lora', messages: [{ role: 'user', content: 'q' }] }),
      (error: unknown) => error instanceof OpenAI.NotFoundError,
    );
    assert.equal((await post(replica, '/v1/unload_lora_adapter', { lora_name: 'sql-lora' })).status, 404);
  });

  it('answers errors in vLLM shape', async () => {
    const unknown = await post(replica, '/v1/chat/completions', {
      model: 'nope',
      messages: [{ role: 'user', content: 'x' }],
    });
    assert.equal(unknown.status, 404);
    assert.deepEqual(JSON.parse(unknown.text), {
      error: { message: 'The model `nope` does not exist.', type: 'NotFoundError', param: null, code: 404 },
    });
    const tooLong = await post(replica, '/v1/completions', { model, prompt: 'x', max_tokens: 200_000 });
    assert.equal(tooLong.status, 400);
    assert.match(JSON.parse(tooLong.text).error.message, /maximum context length is 131072 tokens/);
    assert.equal((await post(replica, '/v1/chat/completions', { model, messages: [] })).status, 400);
    assert.equal((await get(replica, '/v2/nothing')).status, 404);
  });

  it('serves /health', async () => {
    const health = await get(replica, '/health');
    assert.equal(health.status, 200);
  });

  it('aborts a request whose client goes away', async () => {
    // Real time here: at the suite's scale the whole answer can be generated before a loaded machine
    // delivers the disconnect, and the request then ends as finished rather than aborted.
    const realTime = await startReplica(options(), new ScaledClock(1));
    const realTimeClient = new OpenAI({ baseURL: `${realTime.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    try {
      const controller = new AbortController();
      const stream = await realTimeClient.chat.completions.create(
        {
          model,
          messages: [{ role: 'user', content: 'long' }],
          max_tokens: 100_000,
          ignore_eos: true,
          stream: true,
        } as never,
        { signal: controller.signal },
      );
      for await (const _chunk of stream as unknown as AsyncIterable<unknown>) {
        controller.abort();
        break;
      }
      const aborted =
        'vllm:request_success_total{model_name="meta-llama/Llama-3.1-8B-Instruct",engine="0",finished_reason="abort"}';
      // A bounded wait, not a timing assertion: generous, so a machine under load still sees the abort.
      const deadline = Date.now() + 20_000;
      let count: number | undefined;
      while (count === undefined && Date.now() < deadline) {
        count = sample((await get(realTime, '/metrics')).text, aborted);
        if (count === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(count, 1);
      assert.equal(realTime.context.engine.scheduler.running.length, 0);
    } finally {
      await realTime.close();
    }
  });
});

describe('runners', () => {
  it('an embedding model (pooling) serves embeddings only; a generative one completions only', async () => {
    const pooling = await startReplica(options({ model: 'bge-m3', runner: 'pooling' }), clock);
    const generate = await startReplica(options({ runner: 'generate' }), clock);
    try {
      const embedded = await post(pooling, '/v1/embeddings', { model: 'bge-m3', input: 'x' });
      assert.equal(embedded.status, 200);
      assert.equal(embedded.headers['x-inference-model'], 'bge-m3');
      const chat = await post(pooling, '/v1/chat/completions', {
        model: 'bge-m3',
        messages: [{ role: 'user', content: 'x' }],
      });
      assert.equal(chat.status, 400);
      assert.deepEqual(JSON.parse(chat.text).error, {
        message: 'The model does not support Chat Completions API',
        type: 'BadRequestError',
        param: null,
        code: 400,
      });
      assert.equal((await post(pooling, '/v1/completions', { prompt: 'x' })).status, 400);
      assert.equal((await post(generate, '/v1/completions', { prompt: 'x', max_tokens: 1 })).status, 200);
      const refused = await post(generate, '/v1/embeddings', { input: 'x' });
      assert.equal(refused.status, 400);
      assert.equal(JSON.parse(refused.text).error.message, 'The model does not support Embeddings API');
    } finally {
      await Promise.all([pooling.close(), generate.close()]);
    }
  });
});

describe('test hooks', () => {
  it('forces a status with x-return-error', async () => {
    const replica = await startReplica(options(), clock);
    try {
      const forced = await post(replica, '/v1/completions', { prompt: 'x' }, { 'x-return-error': '503' });
      assert.equal(forced.status, 503);
      assert.equal(JSON.parse(forced.text).error.code, 503);
    } finally {
      await replica.close();
    }
  });

  it('injects failures at the configured rate, repeatably for a seed', async () => {
    const statuses = async () => {
      const replica = await startReplica(
        options({ failureRate: 50, failureTypes: ['rate_limit'], seed: 7 }),
        clock,
      );
      try {
        const seen: number[] = [];
        for (let i = 0; i < 12; i++)
          seen.push((await post(replica, '/v1/completions', { prompt: 'x', max_tokens: 1 })).status);
        return seen;
      } finally {
        await replica.close();
      }
    };
    const first = await statuses();
    assert.ok(first.includes(429) && first.includes(200));
    assert.ok(first.every((status) => status === 429 || status === 200));
    assert.deepEqual(await statuses(), first);
  });

  it('refuses requests with 429 once the waiting queue is full', async () => {
    const replica = await startReplica(options({ maxWaiting: 0 }), clock);
    try {
      const refused = await post(replica, '/v1/completions', { prompt: 'x' });
      assert.equal(refused.status, 429);
      assert.equal(JSON.parse(refused.text).error.type, 'RateLimitError');
    } finally {
      await replica.close();
    }
  });

  it('pins the load gauges with fake metrics, from options and at run time', async () => {
    const replica = await startReplica(
      options({
        fakeMetrics: {
          'running-requests': 7,
          'waiting-requests': 3,
          'kv-cache-usage': 0.42,
          loras: [{ running: 'a,b', waiting: 'c', timestamp: 1000 }],
        },
      }),
      clock,
    );
    try {
      const labels = '{model_name="meta-llama/Llama-3.1-8B-Instruct",engine="0"}';
      let metrics = (await get(replica, '/metrics')).text;
      assert.equal(sample(metrics, `vllm:num_requests_running${labels}`), 7);
      assert.equal(sample(metrics, `vllm:num_requests_waiting${labels}`), 3);
      assert.equal(sample(metrics, `vllm:kv_cache_usage_perc${labels}`), 0.42);
      assert.equal(
        sample(
          metrics,
          'vllm:lora_requests_info{max_lora="1",waiting_lora_adapters="c",running_lora_adapters="a,b"}',
        ),
        1000,
      );
      assert.equal((await post(replica, '/admin/fake-metrics', { 'waiting-requests': 9 })).status, 200);
      metrics = (await get(replica, '/metrics')).text;
      assert.equal(sample(metrics, `vllm:num_requests_waiting${labels}`), 9);
      assert.equal(
        sample(metrics, `vllm:num_requests_running${labels}`),
        0,
        'fields not given come from the engine',
      );
    } finally {
      await replica.close();
    }
  });
});

describe('metrics', () => {
  const vllmNames = [
    'vllm:num_requests_running',
    'vllm:num_requests_waiting',
    'vllm:kv_cache_usage_perc',
    'vllm:cache_config_info',
    'vllm:lora_requests_info',
    'vllm:prefix_cache_queries_total',
    'vllm:prefix_cache_hits_total',
    'vllm:prompt_tokens_total',
    'vllm:generation_tokens_total',
    'vllm:request_success_total',
    'vllm:num_preemptions_total',
    'vllm:time_to_first_token_seconds',
    'vllm:inter_token_latency_seconds',
    'vllm:e2e_request_latency_seconds',
    'vllm:request_queue_time_seconds',
  ];
  const sglangNames = [
    'sglang:num_running_reqs',
    'sglang:num_queue_reqs',
    'sglang:token_usage',
    'sglang:cache_config_info',
    'sglang:prompt_tokens_total',
    'sglang:generation_tokens_total',
    'sglang:cached_tokens_total',
    'sglang:num_requests_total',
    'sglang:time_to_first_token_seconds',
    'sglang:inter_token_latency_seconds',
    'sglang:e2e_request_latency_seconds',
    'sglang:queue_time_seconds',
  ];
  const typed = (metrics: string) =>
    new Set([...metrics.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]));

  it("exposes vLLM's names, cache config and counts that add up", async () => {
    const replica = await startReplica(options({ limits: { numGpuBlocks: 4096, maxModelLen: 8192 } }), clock);
    try {
      for (let i = 0; i < 2; i++)
        await post(replica, '/v1/completions', { prompt: longPrompt, max_tokens: 4, ignore_eos: true });
      const metrics = (await get(replica, '/metrics')).text;
      const names = typed(metrics);
      for (const name of vllmNames) assert.ok(names.has(name), `missing ${name}`);
      assert.ok(![...names].some((name) => name.startsWith('sglang:')));
      const labels = '{model_name="meta-llama/Llama-3.1-8B-Instruct",engine="0"}';
      assert.equal(sample(metrics, `vllm:generation_tokens_total${labels}`), 8);
      assert.equal(
        sample(metrics, `vllm:request_success_total${labels.slice(0, -1)},finished_reason="length"}`),
        2,
      );
      const queries = sample(metrics, `vllm:prefix_cache_queries_total${labels}`) ?? 0;
      const hits = sample(metrics, `vllm:prefix_cache_hits_total${labels}`) ?? 0;
      assert.equal(queries, sample(metrics, `vllm:prompt_tokens_total${labels}`));
      assert.ok(hits > 0 && hits < queries / 2);
      assert.match(metrics, /vllm:cache_config_info\{block_size="16",.*num_gpu_blocks="4096".*\} 1/);
    } finally {
      await replica.close();
    }
  });

  it("exposes SGLang's names in sglang mode", async () => {
    const replica = await startReplica(options({ engine: 'sglang' }), clock);
    try {
      await post(replica, '/v1/completions', { prompt: 'hello', max_tokens: 2 });
      const metrics = (await get(replica, '/metrics')).text;
      const names = typed(metrics);
      for (const name of sglangNames) assert.ok(names.has(name), `missing ${name}`);
      assert.ok(![...names].some((name) => name.startsWith('vllm:')));
      assert.match(
        metrics,
        /sglang:cache_config_info\{model_name="[^"]+",page_size="16",num_pages="25999"\} 1/,
      );
    } finally {
      await replica.close();
    }
  });
});
