import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configProblem, pluginTypesOfKind, testEndpoint, testPlugin, testRequest } from '../../testkit.ts';
import {
  isPreRequest,
  isResponseComplete,
  isResponseFirstChunk,
  isScorer,
  type SchedulingResult,
  type Scorer,
} from '../types.ts';
import { type PrefixMatch, prefixMatchKey } from './prefix-cache.ts';

function scorer(type: string, parameters?: Record<string, unknown>): Scorer {
  const plugin = testPlugin(type, parameters);
  assert.ok(isScorer(plugin), `${type} is a scorer`);
  return plugin;
}

const mixed = () => [
  testEndpoint(1, { waitingQueueSize: 0, runningRequests: 8, kvCacheUsage: 0.9 }),
  testEndpoint(2, {
    waitingQueueSize: 10,
    runningRequests: 2,
    kvCacheUsage: 0.1,
    activeModels: new Set(['sql']),
  }),
  testEndpoint(3, { waitingQueueSize: 5, runningRequests: 4, kvCacheUsage: 0.5, maxActiveModels: 2 }),
];

describe('every scorer (shared behaviour)', () => {
  for (const type of pluginTypesOfKind('scorer')) {
    describe(type, () => {
      it('gives each endpoint one score in [0, 1], in order', () => {
        const endpoints = mixed();
        const scores = scorer(type).score(testRequest({ prompt: 'x'.repeat(300) }), endpoints, new Map());
        assert.equal(scores.length, endpoints.length);
        for (const score of scores) assert.ok(score >= 0 && score <= 1, `${score} in [0, 1]`);
      });

      it('handles no endpoints and a single endpoint', () => {
        const instance = scorer(type);
        assert.deepEqual(instance.score(testRequest(), [], new Map()), []);
        assert.equal(instance.score(testRequest(), [testEndpoint(1)], new Map()).length, 1);
      });

      it('rejects parameters it does not know', () => {
        assert.throws(
          () => testPlugin(type, { surelyNotAParameter: 1 }),
          configProblem('parameters.surelyNotAParameter', /unknown field/),
        );
      });
    });
  }
});

describe('load scorers', () => {
  it('queue-scorer: shortest waiting queue 1, longest 0, min-max in between', () => {
    assert.deepEqual(scorer('queue-scorer').score(testRequest(), mixed(), new Map()), [1, 0, 0.5]);
    const equal = [testEndpoint(1, { waitingQueueSize: 3 }), testEndpoint(2, { waitingQueueSize: 3 })];
    assert.deepEqual(scorer('queue-scorer').score(testRequest(), equal, new Map()), [1, 1]);
  });

  it('running-requests-size-scorer: fewest running requests best', () => {
    assert.deepEqual(scorer('running-requests-size-scorer').score(testRequest(), mixed(), new Map()), [
      0,
      1,
      2 / 3,
    ]);
  });

  it('kv-cache-utilization-scorer: 1 − utilisation', () => {
    const scores = scorer('kv-cache-utilization-scorer').score(testRequest(), mixed(), new Map());
    assert.deepEqual(
      scores.map((score) => Math.round(score * 10) / 10),
      [0.1, 0.9, 0.5],
    );
  });

  it('active-request-scorer: idle endpoints 1, the busiest 0', () => {
    const endpoints = mixed();
    endpoints[0].inFlight.requests = 4;
    endpoints[1].inFlight.requests = 2;
    assert.deepEqual(scorer('active-request-scorer').score(testRequest(), endpoints, new Map()), [0, 0.5, 1]);
    assert.deepEqual(
      scorer('active-request-scorer', { idleThreshold: 2, maxBusyScore: 0.5 }).score(
        testRequest(),
        endpoints,
        new Map(),
      ),
      [0, 1, 1],
    );
  });
});

describe('lora-affinity-scorer', () => {
  it('prefers the adapter running, then a free slot, then the adapter queued', () => {
    const endpoints = [
      testEndpoint(1, { activeModels: new Set(['sql']), maxActiveModels: 1 }),
      testEndpoint(2, { activeModels: new Set(['chat']), maxActiveModels: 2 }),
      testEndpoint(3, {
        activeModels: new Set(['chat']),
        waitingModels: new Set(['sql']),
        maxActiveModels: 2,
      }),
      testEndpoint(4, { activeModels: new Set(['chat']), maxActiveModels: 1 }),
    ];
    assert.deepEqual(
      scorer('lora-affinity-scorer').score(testRequest({ targetModel: 'sql' }), endpoints, new Map()),
      [1, 0.8, 0.6, 0],
    );
  });
});

describe('prefix-cache-scorer', () => {
  const system = 'You are a helpful assistant for the Sluice project. '.repeat(20);

  function route(instance: Scorer, prompt: string, endpoints: ReturnType<typeof mixed>, chosen: number) {
    const cycle = new Map<string, unknown>();
    const request = testRequest({ prompt });
    const scores = instance.score(request, endpoints, cycle);
    const result: SchedulingResult = {
      primaryProfile: 'default',
      profileResults: { default: { endpoints: [endpoints[chosen]], candidates: [] } },
    };
    if (isPreRequest(instance)) instance.preRequest(request, result, cycle);
    // The prefill is over: the blocks exist on the endpoint.
    if (isResponseFirstChunk(instance)) instance.responseFirstChunk(request, result, cycle);
    return { scores, request, result, cycle };
  }

  it('misses on a new prompt, then hits where the same prefix was sent', () => {
    const instance = scorer('prefix-cache-scorer');
    const endpoints = mixed();
    assert.deepEqual(route(instance, `${system}first question`, endpoints, 1).scores, [0, 0, 0]);
    const { scores } = route(instance, `${system}second question`, endpoints, 1);
    assert.equal(scores[0], 0);
    assert.ok(scores[1] > 0.9 && scores[1] < 1, `most blocks shared, not the tail: ${scores[1]}`);
    assert.equal(scores[2], 0);
  });

  it('keys on the target model: another adapter does not hit', () => {
    const instance = scorer('prefix-cache-scorer');
    const endpoints = mixed();
    route(instance, system, endpoints, 0);
    const cycle = new Map<string, unknown>();
    assert.deepEqual(
      instance.score(testRequest({ prompt: system, targetModel: 'lora-x' }), endpoints, cycle),
      [0, 0, 0],
    );
  });

  it('learns a fallback that served the request', () => {
    const instance = scorer('prefix-cache-scorer');
    const endpoints = mixed();
    const { request, result, cycle } = route(instance, system, endpoints, 0);
    assert.ok(isResponseComplete(instance));
    instance.responseComplete(
      request,
      result,
      {
        servedEndpoint: endpoints[2],
        status: 200,
        promptTokens: undefined,
        completionTokens: undefined,
        cachedTokens: undefined,
      },
      cycle,
    );
    const scores = instance.score(testRequest({ prompt: system }), endpoints, new Map());
    assert.deepEqual(scores, [1, 0, 1]);
  });

  it("leaves each endpoint's matched characters in the cycle state for the scorers after it", () => {
    const instance = scorer('prefix-cache-scorer');
    const endpoints = mixed();
    route(instance, system, endpoints, 1);
    const cycle = new Map<string, unknown>();
    instance.score(testRequest({ prompt: `${system}more` }), endpoints, cycle);
    const match = cycle.get(prefixMatchKey) as PrefixMatch;
    assert.deepEqual([...match.keys()], [endpoints[1].id]);
    assert.equal(match.get(endpoints[1].id), system.length - (system.length % 64));
  });

  it('with learnFromCachedTokens, forgets what an endpoint evicted when a response shows it', () => {
    const other = 'An unrelated system prompt that was sent long ago to the same endpoint. '.repeat(20);
    for (const { learn, cachedTokens, otherKept } of [
      { learn: true, cachedTokens: 0, otherKept: false },
      { learn: true, cachedTokens: 250, otherKept: true },
      { learn: false, cachedTokens: 0, otherKept: true },
    ]) {
      const instance = scorer('prefix-cache-scorer', { learnFromCachedTokens: learn });
      const endpoints = mixed();
      route(instance, other, endpoints, 0);
      route(instance, system, endpoints, 0);
      const { request, result, cycle } = route(instance, `${system}?`, endpoints, 0);
      assert.ok(isResponseComplete(instance));
      instance.responseComplete(
        request,
        result,
        { servedEndpoint: endpoints[0], status: 200, promptTokens: 260, completionTokens: 1, cachedTokens },
        cycle,
      );
      const held = instance.score(testRequest({ prompt: other }), endpoints, new Map())[0];
      assert.equal(held === 1, otherKept, `learn ${learn}, ${cachedTokens} cached: the older prompt`);
      const recent = instance.score(testRequest({ prompt: `${system}?` }), endpoints, new Map())[0];
      assert.equal(recent, 1, 'the prompt just computed stays');
    }
  });

  it('uses the engine block size when autoTune is on, the configured one otherwise', () => {
    const small = [testEndpoint(1, { cacheBlockSize: 1 })];
    const prompt = 'abcdefgh';
    const tuned = scorer('prefix-cache-scorer');
    route(tuned, prompt, small, 0);
    // 4-character blocks: a prompt sharing the first 4 characters matches one of two blocks.
    assert.deepEqual(tuned.score(testRequest({ prompt: 'abcdXXXX' }), small, new Map()), [0.5]);
    const fixed = scorer('prefix-cache-scorer', { autoTune: false, blockSizeTokens: 1 });
    route(fixed, prompt, small, 0);
    assert.deepEqual(fixed.score(testRequest({ prompt: 'abcdXXXX' }), small, new Map()), [0.5]);
    assert.throws(
      () => testPlugin('prefix-cache-scorer', { blockSizeTokens: 0 }),
      configProblem('parameters.blockSizeTokens', /must be at least 1/),
    );
  });
});
