// The official `openai` client through `sluice serve` to simulated vLLM replicas: the OpenAI APIs, routing by
// the body's model to different pools on one listener, a LoRA adapter, a 90/10 model rollout, errors.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { ScaledClock } from '../../src/sim/clock.ts';
import { type ReplicaOptions, replicaDefaults } from '../../src/sim/options.ts';
import { type Replica, startReplica } from '../../src/sim/replica.ts';
import { ConfigDir, eventually, freePort, gatewayManifests, SluiceChild } from './harness.ts';

// Ten simulated seconds per wall second: answers come quickly; what is checked is where they came from.
const clock = new ScaledClock(10);

/** The simulated Pods live on their own loopback block, one address each, as Pods have. */
let nextAddress = 10;

interface SimulatedPool {
  name: string;
  replicas: Replica[];
}

/** `count` replicas on consecutive addresses and one port (a pool has one target port). */
async function startPool(
  name: string,
  count: number,
  options: Partial<ReplicaOptions>,
): Promise<SimulatedPool> {
  const replicas: Replica[] = [];
  for (let index = 0; index < count; index++) {
    replicas.push(
      await startReplica(
        {
          ...replicaDefaults,
          ...options,
          host: `127.0.78.${nextAddress++}`,
          port: replicas[0]?.port ?? 0,
          pod: `${name}-${index}`,
          seed: index,
        },
        clock,
      ),
    );
  }
  return { name, replicas };
}

function podManifest(replica: Replica, labels: Record<string, string>): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${replica.options.pod}
  labels: ${JSON.stringify(labels)}
spec:
  containers: [{ name: vllm, image: vllm/vllm-openai }]
status:
  podIP: ${replica.address}
`;
}

function poolManifest(name: string, port: number, selector: Record<string, string>): string {
  return `apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: ${JSON.stringify(selector)}
  targetPorts:
    - number: ${port}
`;
}

/** One HTTPRoute rule per pool: the model names it serves, matched on the header the body sets. */
function modelRoute(rules: [pool: string, models: string[]][]): string {
  const rule = ([pool, models]: [string, string[]]) => `    - matches:
${models
  .map(
    (model) => `        - path: { type: PathPrefix, value: /v1 }
          headers: [{ name: x-gateway-model-name, value: ${model} }]`,
  )
  .join('\n')}
      backendRefs: [{ group: inference.networking.k8s.io, kind: InferencePool, name: ${pool} }]`;
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: models
spec:
  parentRefs: [{ name: inference }]
  rules:
${rules.map(rule).join('\n')}
`;
}

const rolloutManifest = `apiVersion: llm-d.ai/v1alpha2
kind: InferenceModelRewrite
metadata:
  name: sql-lora-rollout
spec:
  poolRef: { name: llama }
  rules:
    - matches: [{ model: { value: sql-lora } }]
      targets:
        - { modelRewrite: sql-lora-v1, weight: 90 }
        - { modelRewrite: sql-lora-v2, weight: 10 }
`;

/** Runs `call` `total` times, `parallel` at a time, and returns the results in order. */
async function repeat<T>(total: number, parallel: number, call: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < total; start += parallel) {
    const batch = Array.from({ length: Math.min(parallel, total - start) }, (_, i) => call(start + i));
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

describe('the openai client through sluice serve', () => {
  let config: ConfigDir;
  let sluice: SluiceChild;
  let client: OpenAI;
  let llama: SimulatedPool;
  let qwen: SimulatedPool;
  let bge: SimulatedPool;
  const pods = (pool: SimulatedPool) => pool.replicas.map((replica) => replica.options.pod);
  const served = (response: Response) => ({
    pod: response.headers.get('x-inference-pod') ?? '',
    endpoint: response.headers.get('x-gateway-destination-endpoint-served') ?? '',
    model: response.headers.get('x-inference-model') ?? '',
  });

  before(async () => {
    const adapters = [
      { name: 'sql-lora-v1', path: '/adapters/sql-lora-v1' },
      { name: 'sql-lora-v2', path: '/adapters/sql-lora-v2' },
    ];
    // llama-1 and llama-2 also have the adapter tools-lora; so does the pool that selects just them.
    llama = await startPool('llama', 3, { model: 'llama-3.1-8b', loraModules: adapters, enableLora: true });
    for (const replica of llama.replicas.slice(1))
      replica.context.loras.load('tools-lora', '/adapters/tools');
    qwen = await startPool('qwen', 1, { model: 'qwen3-32b', profile: 'qwen3-32b-2xh100' });
    bge = await startPool('bge-m3', 1, { model: 'bge-m3', runner: 'pooling' });

    config = await ConfigDir.create();
    const dir = config;
    const port = await freePort();
    await dir.write('gateway.yaml', gatewayManifests('inference', port));
    await dir.write(
      'models.yaml',
      modelRoute([
        ['llama', ['llama-3.1-8b', 'sql-lora']],
        ['llama-tools', ['tools-lora']],
        ['qwen', ['qwen3-32b']],
        ['bge-m3', ['bge-m3']],
      ]),
    );
    await dir.write(
      'pools.yaml',
      [
        poolManifest('llama', llama.replicas[0].port, { app: 'llama' }),
        poolManifest('llama-tools', llama.replicas[0].port, { app: 'llama', 'tools-lora': 'loaded' }),
        poolManifest('qwen', qwen.replicas[0].port, { app: 'qwen' }),
        poolManifest('bge-m3', bge.replicas[0].port, { app: 'bge-m3' }),
        rolloutManifest,
      ].join('---\n'),
    );
    await dir.write(
      'pods.yaml',
      [
        ...llama.replicas.map((replica, index) =>
          podManifest(replica, index === 0 ? { app: 'llama' } : { app: 'llama', 'tools-lora': 'loaded' }),
        ),
        ...qwen.replicas.map((replica) => podManifest(replica, { app: 'qwen' })),
        ...bge.replicas.map((replica) => podManifest(replica, { app: 'bge-m3' })),
      ].join('---\n'),
    );
    sluice = new SluiceChild(['serve', '--config', dir.path, '--admin-address', '127.0.0.1:0']);
    await sluice.waitForLog('serving');
    client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'unused', maxRetries: 0 });
    // Every pool answers once its picker has its endpoints.
    for (const model of ['llama-3.1-8b', 'tools-lora', 'qwen3-32b']) {
      await eventually(`a first answer from ${model}`, async () =>
        client.completions.create({ model, prompt: 'ping', max_tokens: 1 }),
      );
    }
    await eventually('a first embedding', async () =>
      client.embeddings.create({ model: 'bge-m3', input: 'x' }),
    );
  });

  after(async () => {
    const code = await sluice?.stop();
    const replicas = [llama, qwen, bge].flatMap((pool) => pool?.replicas ?? []);
    await Promise.all(replicas.map((replica) => replica.close()));
    await config?.remove();
    assert.equal(code, 0, 'a SIGTERM stops sluice gracefully');
  });

  test('models.list() names every model routable on the listener', async () => {
    const models = await client.models.list();
    assert.deepEqual(models.data.map((model) => model.id).sort(), [
      'bge-m3',
      'llama-3.1-8b',
      'qwen3-32b',
      'sql-lora',
      'tools-lora',
    ]);
    assert.ok(models.data.every((model) => model.object === 'model'));
  });

  test('a chat completion', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'llama-3.1-8b', messages: [{ role: 'user', content: 'Hello!' }], max_tokens: 8 })
      .withResponse();
    assert.equal(data.object, 'chat.completion');
    assert.equal(data.model, 'llama-3.1-8b');
    assert.equal(data.choices[0].message.role, 'assistant');
    assert.ok((data.choices[0].message.content ?? '').length > 0);
    assert.ok((data.usage?.completion_tokens ?? 0) > 0);
    const { pod, endpoint } = served(response);
    assert.ok(pods(llama).includes(pod), `answered by a llama Pod, not ${pod}`);
    const replica = llama.replicas.find((candidate) => candidate.options.pod === pod);
    assert.equal(endpoint, `${replica?.address}:${replica?.port}`, 'the gateway names the Pod that answered');
  });

  test('a completion', async () => {
    const data = await client.completions.create({
      model: 'llama-3.1-8b',
      prompt: 'Once upon',
      max_tokens: 5,
    });
    assert.equal(data.object, 'text_completion');
    assert.equal(data.model, 'llama-3.1-8b');
    assert.ok(data.choices[0].text.length > 0);
    assert.ok((data.usage?.prompt_tokens ?? 0) > 0);
  });

  test('embeddings from the embedding model', async () => {
    const { data, response } = await client.embeddings
      .create({ model: 'bge-m3', input: ['first text', 'second text'] })
      .withResponse();
    assert.equal(data.model, 'bge-m3');
    assert.deepEqual(
      data.data.map((item) => [item.index, item.embedding.length]),
      [
        [0, 1024],
        [1, 1024],
      ],
    );
    assert.notDeepEqual(data.data[0].embedding, data.data[1].embedding);
    assert.equal(served(response).pod, 'bge-m3-0');
  });

  test('a streamed chat completion, with usage', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({
        model: 'llama-3.1-8b',
        messages: [{ role: 'user', content: 'Count to five.' }],
        max_tokens: 6,
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.ok(pods(llama).includes(served(response).pod));
    let content = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      assert.equal(chunk.model, 'llama-3.1-8b');
      content += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    assert.ok(content.length > 0, 'the stream carries content');
    assert.ok((usage?.completion_tokens ?? 0) > 0 && (usage?.completion_tokens ?? 0) <= 6);
  });

  test('a streamed completion', async () => {
    const stream = await client.completions.create({
      model: 'qwen3-32b',
      prompt: 'The alphabet:',
      max_tokens: 4,
      stream: true,
    });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      assert.equal(chunk.model, 'qwen3-32b');
      text += chunk.choices[0]?.text ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.ok(text.length > 0);
    assert.ok(finish === 'length' || finish === 'stop', `the stream finishes (${finish})`);
  });

  test('two chat models on one listener: the body picks the pool', async () => {
    const answers = await repeat(12, 4, async (index) => {
      const model = index % 2 === 0 ? 'llama-3.1-8b' : 'qwen3-32b';
      const { data, response } = await client.chat.completions
        .create({ model, messages: [{ role: 'user', content: `Question ${index}` }], max_tokens: 2 })
        .withResponse();
      return { model, answered: data.model, pod: served(response).pod };
    });
    for (const { model, answered, pod } of answers) {
      assert.equal(answered, model);
      assert.ok(pods(model === 'qwen3-32b' ? qwen : llama).includes(pod), `${model} answered by ${pod}`);
    }
  });

  test('a LoRA adapter is served by the Pods that have it', async () => {
    const answers = await repeat(20, 5, async (index) => {
      const { data, response } = await client.completions
        .create({ model: 'tools-lora', prompt: `call a tool ${index}`, max_tokens: 2 })
        .withResponse();
      return { answered: data.model, ...served(response) };
    });
    for (const { answered, pod, model } of answers) {
      assert.equal(answered, 'tools-lora');
      assert.equal(model, 'tools-lora', 'the replica served the adapter, not the base model');
      assert.ok(['llama-1', 'llama-2'].includes(pod), `tools-lora answered by ${pod}`);
    }
  });

  test('a 90/10 rollout: the upstream model follows the weights, the client reads the model it asked for', async () => {
    const total = 400;
    const answers = await repeat(total, 16, async (index) => {
      const { data, response } = await client.completions
        .create({ model: 'sql-lora', prompt: `SELECT ${index}`, max_tokens: 1 })
        .withResponse();
      return { answered: data.model, upstream: served(response).model };
    });
    assert.ok(
      answers.every(({ answered }) => answered === 'sql-lora'),
      'every answer names sql-lora',
    );
    const v2 = answers.filter(({ upstream }) => upstream === 'sql-lora-v2').length;
    const v1 = answers.filter(({ upstream }) => upstream === 'sql-lora-v1').length;
    assert.equal(v1 + v2, total, 'every request went to one of the two versions');
    // Binomial(400, 0.1): mean 40, standard deviation 6; five of them make a false failure practically impossible.
    const sigma = Math.sqrt(total * 0.1 * 0.9);
    assert.ok(Math.abs(v2 - total * 0.1) <= 5 * sigma, `sql-lora-v2 served ${v2} of ${total}`);

    // A stream is renamed event by event.
    const stream = await client.chat.completions.create({
      model: 'sql-lora',
      messages: [{ role: 'user', content: 'SELECT 1' }],
      max_tokens: 3,
      stream: true,
    });
    for await (const chunk of stream) assert.equal(chunk.model, 'sql-lora');
  });

  test('errors come back as the client’s error classes', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'Hi' }] }),
      (error: unknown) =>
        error instanceof OpenAI.NotFoundError && error.status === 404 && error.code === 'model_not_found',
    );
    await assert.rejects(
      client.post('/chat/completions', { body: { messages: [{ role: 'user', content: 'Hi' }] } }),
      (error: unknown) =>
        error instanceof OpenAI.BadRequestError && error.status === 400 && error.code === 'model_missing',
    );
  });
});
