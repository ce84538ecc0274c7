import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { SluiceError } from '../errors.ts';
import { ScaledClock } from '../sim/clock.ts';
import { type Fleet, replicaSet, startFleet } from '../sim/fleet.ts';
import { replicaDefaults } from '../sim/options.ts';
import { EndpointPicker, type Pick } from './picker.ts';
import { parseInferenceBody } from './requestcontrol/parse-body.ts';
import { schedulingRequest } from './requestcontrol/request.ts';
import { parseEndpointPickerConfig } from './scheduling/config.ts';

describe('endpoint picker over four simulated vLLM replicas', () => {
  let fleet: Fleet;
  let picker: EndpointPicker;
  let model: string;

  before(async () => {
    fleet = await startFleet(
      replicaSet({ ...replicaDefaults, host: '127.0.0.1', port: 0, meanOutputTokens: 4 }, 4, 'port'),
      new ScaledClock(100),
    );
    model = fleet.replicas[0].context.model;
    picker = new EndpointPicker({ pool: 'default/llama' });
    picker.setEndpoints(
      fleet.replicas.map((replica) => ({
        address: replica.address,
        port: replica.port,
        name: replica.options.pod,
      })),
    );
    await picker.refreshMetrics();
  });

  after(async () => {
    await picker.close();
    await fleet.close();
  });

  const chatBody = (system: string, question: string) =>
    JSON.stringify({
      model,
      max_tokens: 4,
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: question },
      ],
    });

  function pickFor(body: string, priority = 0): Pick {
    const parsed = parseInferenceBody(body, '/v1/chat/completions');
    return picker.pick(
      schedulingRequest({
        model: parsed.model,
        prompt: parsed.prompt,
        bodyBytes: parsed.bodyBytes,
        priority,
      }),
    );
  }

  async function send(pick: Pick, body: string) {
    const target = pick.endpoints[0];
    const response = await request(`http://${target.id}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const answer = (await response.body.json()) as {
      usage: { prompt_tokens_details?: { cached_tokens?: number } };
    };
    pick.finish({ servedEndpoint: target.id, status: response.statusCode });
    return {
      pod: response.headers['x-inference-pod'],
      cached: answer.usage.prompt_tokens_details?.cached_tokens ?? 0,
    };
  }

  async function setWaiting(waiting: (number | undefined)[]) {
    await Promise.all(
      fleet.replicas.map(async (replica, index) => {
        const fake = waiting[index] === undefined ? {} : { 'waiting-requests': waiting[index] };
        const response = await request(`${replica.url}/admin/fake-metrics`, {
          method: 'POST',
          body: JSON.stringify(fake),
        });
        await response.body.dump();
      }),
    );
    await picker.refreshMetrics();
  }

  it('sends requests that share a system prompt to the same endpoint, where they hit its KV cache', async () => {
    const systems = [1, 2, 3, 4].map((n) =>
      `You are assistant number ${n} of the Sluice test suite. `.repeat(40),
    );
    for (const system of systems) {
      const pods = new Set<string | string[] | undefined>();
      const cached: number[] = [];
      for (const question of ['What is a gateway?', 'What is a pool?', 'What is a picker?']) {
        const body = chatBody(system, question);
        const pick = pickFor(body);
        const answer = await send(pick, body);
        assert.equal(answer.pod, pick.endpoints[0].name, 'the picked replica answered');
        pods.add(answer.pod);
        cached.push(answer.cached);
      }
      assert.equal(pods.size, 1, `one endpoint for system prompt ${system.slice(0, 30)}…`);
      assert.equal(cached[0], 0, 'the first request fills the cache');
      assert.ok(
        cached[1] > 400 && cached[2] > 400,
        `later requests reuse the system prompt's blocks: ${cached}`,
      );
    }
    for (const endpoint of picker.endpoints.list())
      assert.deepEqual(endpoint.inFlight, { requests: 0, tokens: 0 });
  });

  it('spreads new prompts to the endpoint with the shortest queue, following the queues as they change', async () => {
    await setWaiting([6, 0, 3, 9]);
    for (let i = 0; i < 5; i++) {
      const pick = pickFor(chatBody(`Fresh context ${i}: ${'lorem ipsum '.repeat(30)}`, 'go'));
      assert.equal(pick.endpoints[0].name, 'sluice-sim-1');
      pick.finish();
    }
    await setWaiting([6, 9, 0, 3]);
    const pick = pickFor(chatBody(`Another context: ${'dolor sit '.repeat(30)}`, 'go'));
    assert.equal(pick.endpoints[0].name, 'sluice-sim-2');
    const scores = pick.profileResults.default.candidates.find(
      (c) => c.endpoint === pick.endpoints[0],
    )?.scores;
    assert.deepEqual(scores?.['queue-scorer'], 1);
    pick.finish();
    await setWaiting([]);
  });

  it('sheds a sheddable request with 429 when every replica is saturated, and admits the others', async () => {
    await setWaiting([20, 20, 20, 20]);
    const body = chatBody('short', 'q');
    const parsed = parseInferenceBody(body, '/v1/chat/completions');
    await assert.rejects(
      picker.schedule(schedulingRequest({ model, prompt: parsed.prompt, priority: -1 })),
      (error: unknown) =>
        error instanceof SluiceError && error.code === 'request_shed' && error.status === 429,
    );
    const pick = await picker.schedule(schedulingRequest({ model, prompt: parsed.prompt, priority: 0 }));
    assert.equal(picker.flow.inFlight, 1);
    pick.finish();
    assert.equal(picker.flow.inFlight, 0, 'finish releases the admission ticket');
    await setWaiting([]);
  });

  it('honours a subset hint, and answers 503 when it leaves no endpoint', () => {
    const target = fleet.replicas[3];
    const pick = pickFor(chatBody('subset', 'q'));
    pick.finish();
    const pinned = picker.pick(schedulingRequest({ model, prompt: 'p' }), {
      subset: [`${target.address}:${target.port}`],
    });
    assert.equal(pinned.destination, `${target.address}:${target.port}`);
    pinned.finish();
    assert.throws(
      () => picker.pick(schedulingRequest({ model, prompt: 'p' }), { subset: [] }),
      (error: unknown) =>
        error instanceof SluiceError && error.code === 'pool_no_endpoints' && error.status === 503,
    );
  });
});

describe('endpoint picker: what the data plane reports reaches the plugins', () => {
  const config = `apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
plugins:
  - type: prefix-cache-scorer
    parameters: {learnFromCachedTokens: true}
  - type: prefill-load-scorer
`;
  function newPicker(): EndpointPicker {
    const picker = new EndpointPicker({ pool: 'default/reports', config: parseEndpointPickerConfig(config) });
    picker.setEndpoints([
      { address: '10.0.0.1', port: 8000 },
      { address: '10.0.0.2', port: 8000 },
    ]);
    return picker;
  }
  const request = (prompt: string) => schedulingRequest({ model: 'llama', prompt });
  /** Each endpoint's score from one scorer for a probe request, which is then finished. */
  function probe(picker: EndpointPicker, scorer: string, prompt = 'x'): Record<string, number> {
    const pick = picker.pick(request(prompt));
    pick.finish();
    return Object.fromEntries(
      pick.profileResults.default.candidates.map((c) => [c.endpoint.id, c.scores[scorer]]),
    );
  }

  it("the first chunk ends a request's prefill once, however often it is reported", async () => {
    const picker = newPicker();
    const toFirst = { subset: ['10.0.0.1:8000'] };
    const a = picker.pick(request('a'.repeat(4000)), toFirst);
    const c = picker.pick(request('c'.repeat(4000)), toFirst);
    a.firstChunk();
    a.firstChunk();
    a.finish({ servedEndpoint: '10.0.0.1:8000', status: 200 });
    const waiting = probe(picker, 'prefill-load-scorer');
    assert.ok(waiting['10.0.0.1:8000'] < 1, 'the second request still waits for its first token');
    assert.equal(waiting['10.0.0.2:8000'], 1);
    c.finish();
    assert.deepEqual(probe(picker, 'prefill-load-scorer'), { '10.0.0.1:8000': 1, '10.0.0.2:8000': 1 });
    await picker.close();
  });

  for (const { cachedTokens, oldKept } of [
    { cachedTokens: undefined, oldKept: true },
    { cachedTokens: 1000, oldKept: true },
    { cachedTokens: 0, oldKept: false },
  ]) {
    it(`cached tokens reported: ${cachedTokens} — the prefix index ${oldKept ? 'keeps' : 'forgets'} older prompts`, async () => {
      const picker = newPicker();
      const toFirst = { subset: ['10.0.0.1:8000'] };
      const old = 'an old prompt '.repeat(100);
      const system = 'the system prompt '.repeat(100);
      for (const prompt of [old, system]) {
        const pick = picker.pick(request(prompt), toFirst);
        pick.firstChunk();
        pick.finish({ servedEndpoint: '10.0.0.1:8000', status: 200 });
      }
      const pick = picker.pick(request(`${system}and a question`), toFirst);
      pick.firstChunk();
      pick.finish({ servedEndpoint: '10.0.0.1:8000', status: 200, promptTokens: 460, cachedTokens });
      assert.equal(probe(picker, 'prefix-cache-scorer', old)['10.0.0.1:8000'] === 1, oldKept);
      await picker.close();
    });
  }
});
