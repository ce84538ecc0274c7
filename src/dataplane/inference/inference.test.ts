// Inference requests through the data plane to InferencePools of simulated vLLM servers (`sluice sim`
// replicas on 127.0.0.1), read with the official `openai` client: body-based routing, endpoint picking,
// fallbacks, model rewrites, shedding, disconnects and the gateway's model list.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import http2 from 'node:http2';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { request } from 'undici';
import type { RequestOutcome } from '../../inference/scheduling/types.ts';
import { setLogLevel } from '../../observability/log.ts';
import { ScaledClock } from '../../sim/clock.ts';
import type { Replica } from '../../sim/replica.ts';
import { DataPlane } from '../dataplane.ts';
import {
  type EchoUpstream,
  freePort,
  httpPort,
  parseEcho,
  postJson,
  prefixMatch,
  quietLog,
  route,
  send,
  startEchoUpstream,
} from '../testkit.ts';
import {
  applyWithPools,
  endpointOf,
  eventually,
  inferencePool,
  modelRoute,
  openAiClient,
  pickerConfig,
  queueSaturationConfig,
  startSim,
  toPool,
} from './testkit.ts';

/** Real time: a long answer streams for long enough to walk away from it. */
const slow = new ScaledClock(1);

const servedHeader = 'x-gateway-destination-endpoint-served';

const header = (headers: Headers, name: string) => headers.get(name) ?? undefined;

/** Tries (3 endpoints back) in turn, so each endpoint is the primary of one request in three. */
const fallbackConfig = pickerConfig(`plugins:
  - type: round-robin-picker
    parameters: {maxNumOfEndpoints: 3}
`);

describe('inference requests through the data plane', () => {
  const plane = new DataPlane({ log: quietLog });
  const replicas: Replica[] = [];
  let echo: EchoUpstream;
  let port: number;
  let client: OpenAI;
  let a0: Replica;
  let a1: Replica;
  let b0: Replica;
  let slowSim: Replica;
  let failing: Replica;
  let healthy: Replica;
  let deadPort: number;

  before(async () => {
    setLogLevel('error');
    [a0, a1, b0, slowSim, failing, healthy] = await Promise.all([
      startSim('model-a', 'a-0'),
      startSim('model-a', 'a-1'),
      startSim('model-b', 'b-0'),
      startSim('slow-model', 'slow-0', {}, slow),
      startSim('fallback-model', 'failing-0', { failureRate: 100, failureTypes: ['server_error'] }),
      startSim('fallback-model', 'healthy-0'),
    ]);
    const [shedding, calm] = await Promise.all([
      startSim('busy-model', 'busy-0', { fakeMetrics: { 'waiting-requests': 10 } }),
      startSim('calm-model', 'calm-0'),
    ]);
    replicas.push(a0, a1, b0, slowSim, failing, healthy, shedding, calm);
    echo = await startEchoUpstream('echo');
    deadPort = await freePort();
    port = await freePort();
    const objectives = { batch: -1, interactive: 10 };
    const pools = [
      inferencePool('pool/a', [a0.port, a1.port], {
        modelRewrites: [{ models: ['alias-a'], targets: [{ model: 'model-a', weight: 1 }] }],
      }),
      inferencePool('pool/b', [b0.port]),
      inferencePool('pool/any', [b0.port], {
        modelRewrites: [{ models: ['legacy'], targets: [{ model: 'model-b', weight: 1 }] }],
      }),
      inferencePool('pool/slow', [slowSim.port]),
      inferencePool('pool/fallback', [deadPort, failing.port, healthy.port], {
        pickerConfig: fallbackConfig,
      }),
      inferencePool('pool/busy', [shedding.port], { pickerConfig: queueSaturationConfig(), objectives }),
      inferencePool('pool/calm', [calm.port], { pickerConfig: queueSaturationConfig(), objectives }),
      inferencePool('pool/echo', [echo.port], {
        modelRewrites: [{ models: ['echo-alias'], targets: [{ model: 'echo-model', weight: 1 }] }],
      }),
    ];
    const routes = [
      modelRoute('model-a', 'pool/a'),
      modelRoute('alias-a', 'pool/a'),
      modelRoute('model-b', 'pool/b'),
      modelRoute('slow-model', 'pool/slow'),
      modelRoute('fallback-model', 'pool/fallback'),
      modelRoute('busy-model', 'pool/busy'),
      modelRoute('calm-model', 'pool/calm'),
      modelRoute('echo-model', 'pool/echo'),
      modelRoute('echo-alias', 'pool/echo'),
      // Any model, on one hostname only: its pool's rewrite source is listed there.
      route('any', { hostnames: ['any.example'], match: prefixMatch('/v1'), backends: [toPool('pool/any')] }),
      route('other', { match: prefixMatch('/other') }),
    ];
    await applyWithPools(plane, [httpPort(port, routes)], pools);
    client = openAiClient(port);
  });

  after(async () => {
    await plane.close();
    await Promise.all([...replicas.map((replica) => replica.close()), echo.close()]);
  });

  /** Records what each pick of `poolId` was finished with, and the primary endpoint it had picked. */
  function outcomes(poolId: string): (RequestOutcome & { primary: string })[] {
    const picker = plane.picker(poolId);
    assert.ok(picker);
    const seen: (RequestOutcome & { primary: string })[] = [];
    const original = picker.scheduler.responseComplete.bind(picker.scheduler);
    picker.scheduler.responseComplete = (request, result, outcome, cycle) => {
      seen.push({ ...outcome, primary: result.profileResults[result.primaryProfile].endpoints[0].id });
      original(request, result, outcome, cycle);
    };
    return seen;
  }

  test('a chat completion goes to the pool its model names, and reports usage to the picker', async () => {
    const finished = outcomes('pool/a');
    const { data, response } = await client.chat.completions
      .create({ model: 'model-a', messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 5 })
      .withResponse();
    assert.equal(data.object, 'chat.completion');
    assert.equal(data.model, 'model-a');
    const served = header(response.headers, servedHeader);
    assert.ok(served === endpointOf(a0) || served === endpointOf(a1), served);
    assert.match(header(response.headers, 'x-inference-pod') ?? '', /^a-/);
    assert.equal(finished.length, 1);
    assert.equal(finished[0].servedEndpoint?.id, served);
    assert.equal(finished[0].status, 200);
    assert.equal(finished[0].promptTokens, data.usage?.prompt_tokens);
    assert.equal(finished[0].completionTokens, data.usage?.completion_tokens);
  });

  test('a streamed chat completion arrives chunk by chunk, its usage chunk read on the way', async () => {
    const finished = outcomes('pool/b');
    const stream = await client.chat.completions.create({
      model: 'model-b',
      messages: [{ role: 'user', content: 'Count to three.' }],
      max_tokens: 6,
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      assert.equal(chunk.model, 'model-b');
      content += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.ok(content.length > 0);
    assert.ok(usage);
    assert.equal(finished.length, 1);
    assert.equal(finished[0].servedEndpoint?.id, endpointOf(b0));
    assert.equal(finished[0].completionTokens, usage.completion_tokens);
    assert.equal(finished[0].promptTokens, usage.prompt_tokens);
  });

  test('completions, streamed and not', async () => {
    const completion = await client.completions.create({
      model: 'model-a',
      prompt: 'Once upon a time',
      max_tokens: 4,
    });
    assert.equal(completion.object, 'text_completion');
    assert.ok(completion.choices[0].text.length > 0);
    const stream = await client.completions.create({
      model: 'model-b',
      prompt: 'Once upon a time',
      max_tokens: 4,
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    assert.ok(text.length > 0);
  });

  test('embeddings', async () => {
    const { data, response } = await client.embeddings
      .create({ model: 'model-b', input: ['first text', 'second text'] })
      .withResponse();
    assert.equal(data.data.length, 2);
    assert.ok(data.data[0].embedding.length > 0);
    assert.equal(header(response.headers, servedHeader), endpointOf(b0));
  });

  test('a model no route names is a 404 in OpenAI shape', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.NotFoundError);
        assert.equal(error.code, 'model_not_found');
        assert.equal(error.type, 'invalid_request_error');
        assert.match(error.message, /no-such-model/);
        return true;
      },
    );
  });

  test('bad bodies are 400s: no model, not JSON', async () => {
    const noModel = await postJson(port, '/v1/chat/completions', {
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(noModel.status, 400);
    assert.deepEqual(JSON.parse(noModel.body).error.code, 'model_missing');
    const notJson = await send({ port, method: 'POST', path: '/v1/completions', body: '{"model":' });
    assert.equal(notJson.status, 400);
    assert.equal(JSON.parse(notJson.body).error.type, 'invalid_request_error');
  });

  test('a body over the limit is a 413 before it is read', async () => {
    // The body never comes: the gateway answers from the declared length alone.
    const reply = await send({
      port,
      method: 'POST',
      path: '/v1/completions',
      headers: { 'content-length': String(5 * 1024 * 1024), 'content-type': 'application/json' },
      body: '',
    });
    assert.equal(reply.status, 413);
    assert.equal(JSON.parse(reply.body).error.code, 'body_too_large');
  });

  test('the upstream gets the model header and the destination; a rewrite changes the body model', async () => {
    const reply = await postJson(
      port,
      '/v1/completions',
      { model: 'echo-alias', prompt: 'hello', max_tokens: 3 },
      { 'x-gateway-model-name': 'spoofed', 'x-gateway-destination-endpoint': '10.9.9.9:1' },
    );
    assert.equal(reply.status, 200);
    const seen = parseEcho(reply);
    assert.equal(seen.headers['x-gateway-model-name'], 'echo-alias');
    assert.equal(seen.headers['x-gateway-destination-endpoint'], endpointOf(echo));
    assert.equal(JSON.parse(seen.body).model, 'echo-model');
    assert.equal(Number(seen.headers['content-length']), Buffer.byteLength(seen.body));
    assert.equal(reply.headers[servedHeader], endpointOf(echo));
  });

  test('a model rewrite is undone in the answer, streamed and not', async () => {
    const completion = await client.chat.completions.create({
      model: 'alias-a',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 3,
    });
    assert.equal(completion.model, 'alias-a');
    const stream = await client.chat.completions.create({
      model: 'alias-a',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 8,
      stream: true,
    });
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      assert.equal(chunk.model, 'alias-a');
    }
    assert.ok(chunks > 2);
    const legacy = await postJson(
      port,
      '/v1/completions',
      { model: 'legacy', prompt: 'Hi', max_tokens: 2 },
      { host: 'any.example' },
    );
    assert.equal(legacy.status, 200);
    assert.equal(JSON.parse(legacy.body).model, 'legacy');
    assert.equal(legacy.headers['x-inference-pod'], 'b-0');
  });

  test('the same long system prompt keeps going to the same endpoint (prefix affinity)', async () => {
    const system = 'You are a meticulous assistant for a shipping company. '.repeat(60);
    const served = new Set<string | undefined>();
    for (const question of [
      'Where is my parcel?',
      'How do I return an item?',
      'What are your hours?',
      'Hi',
      'Thanks',
      'Bye',
    ]) {
      const { response } = await client.chat.completions
        .create({
          model: 'model-a',
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: question },
          ],
          max_tokens: 2,
        })
        .withResponse();
      served.add(header(response.headers, servedHeader));
    }
    assert.equal(served.size, 1, [...served].join(', '));
  });

  test('an unreachable or failing primary falls back to the next endpoint of the pick', async () => {
    const finished = outcomes('pool/fallback');
    // Round robin over three endpoints: each of them is the primary of one of these requests.
    for (let i = 0; i < 3; i++) {
      const { data, response } = await client.completions
        .create({ model: 'fallback-model', prompt: 'Hello there', max_tokens: 2 })
        .withResponse();
      assert.equal(data.object, 'text_completion');
      assert.equal(header(response.headers, servedHeader), endpointOf(healthy));
    }
    assert.deepEqual(
      finished.map((outcome) => [outcome.servedEndpoint?.id, outcome.status]),
      [0, 1, 2].map(() => [endpointOf(healthy), 200]),
    );
    assert.deepEqual(
      new Set(finished.map((outcome) => outcome.primary)),
      new Set([`127.0.0.1:${deadPort}`, endpointOf(failing), endpointOf(healthy)]),
    );
  });

  test('a sheddable request on a saturated pool is a 429; other priorities pass', async () => {
    await eventually(
      () =>
        ['pool/busy', 'pool/calm'].every((id) =>
          plane
            .picker(id)
            ?.endpoints.list()
            .every((endpoint) => endpoint.scrape.lastScrapeOk),
        ),
      'both pools scraped',
    );
    const ask = (model: string, objective: string) =>
      client.completions.create(
        { model, prompt: 'Summarise this', max_tokens: 2 },
        { headers: { 'x-gateway-inference-objective': objective } },
      );
    await assert.rejects(ask('busy-model', 'batch'), (error: unknown) => {
      assert.ok(error instanceof OpenAI.RateLimitError);
      assert.equal(error.code, 'request_shed');
      assert.equal(error.type, 'rate_limit_error');
      return true;
    });
    assert.equal((await ask('busy-model', 'interactive')).object, 'text_completion');
    assert.equal((await ask('calm-model', 'batch')).object, 'text_completion');
  });

  test('a client that leaves mid-stream frees its in-flight count and stops the upstream', async () => {
    const picker = plane.picker('pool/slow');
    assert.ok(picker);
    const finished = outcomes('pool/slow');
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json' },
    });
    req.end(
      JSON.stringify({
        model: 'slow-model',
        messages: [{ role: 'user', content: 'Tell me a long story.' }],
        max_tokens: 5000,
        ignore_eos: true,
        stream: true,
      }),
    );
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    assert.equal(res.statusCode, 200);
    await once(res, 'data');
    assert.equal(picker.endpoints.list()[0].inFlight.requests, 1);
    req.destroy();
    await eventually(() => picker.endpoints.list()[0].inFlight.requests === 0, 'in-flight count released');
    await eventually(() => slowSim.context.engine.scheduler.running.length === 0, 'upstream request stopped');
    assert.equal(finished.length, 1);
    assert.equal(finished[0].servedEndpoint?.id, endpointOf(slowSim));
    assert.equal(finished[0].status, undefined);
  });

  test('GET /v1/models lists the models routable on the host', async () => {
    const models = await client.models.list();
    const ids = models.data.map((model) => model.id);
    assert.deepEqual(ids, [
      'model-a',
      'alias-a',
      'model-b',
      'slow-model',
      'fallback-model',
      'busy-model',
      'calm-model',
      'echo-model',
      'echo-alias',
    ]);
    assert.equal(models.data[0].object, 'model');
    const onAny = await send({ port, path: '/v1/models', headers: { host: 'any.example' } });
    assert.ok(JSON.parse(onAny.body).data.some((model: { id: string }) => model.id === 'legacy'));
  });

  test('an HTTP/2 client is routed by its body too', async () => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    try {
      const stream = session.request({
        ':method': 'POST',
        ':path': '/v1/completions',
        'content-type': 'application/json',
      });
      stream.end(JSON.stringify({ model: 'model-b', prompt: 'Hi', max_tokens: 2 }));
      const [headers] = (await once(stream, 'response')) as [http2.IncomingHttpHeaders];
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      assert.equal(headers[':status'], 200);
      assert.equal(headers[servedHeader], endpointOf(b0));
      assert.equal(JSON.parse(Buffer.concat(chunks).toString()).model, 'model-b');
    } finally {
      session.close();
    }
  });

  test('requests that are not inference calls keep the plain path', async () => {
    const reply = await request(`http://127.0.0.1:${port}/other`, { method: 'POST', body: 'not json' });
    // The route has no backends: the registry's own answer, not an inference error.
    assert.equal(reply.statusCode, 500);
    assert.equal(((await reply.body.json()) as { error: { code: string } }).error.code, 'no_backends');
  });
});
