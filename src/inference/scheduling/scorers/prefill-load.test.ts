import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoint } from '../../datalayer/endpoint.ts';
import { configProblem, testEndpoint, testPlugin, testRequest } from '../../testkit.ts';
import {
  type CycleState,
  isEndpointObserver,
  isPreRequest,
  isResponseComplete,
  isResponseFirstChunk,
  isScorer,
  type Plugin,
  type SchedulingResult,
} from '../types.ts';
import { type PrefixMatch, prefixMatchKey } from './prefix-cache.ts';

/** A prompt of `tokens` tokens at the 4 characters a token the picker assumes. */
const prompt = (tokens: number) => 'x'.repeat(tokens * 4);

function cycleWith(endpoints: readonly Endpoint[], matchedTokens: readonly number[]): CycleState {
  // What a prefix-cache-scorer scored before this one would have left: characters held per endpoint.
  const match: PrefixMatch = new Map(matchedTokens.map((tokens, index) => [endpoints[index].id, tokens * 4]));
  return new Map([[prefixMatchKey, match]]);
}

/** Scores a request and sends it to endpoint `chosen`; its prefill is not over. */
function send(plugin: Plugin, endpoints: Endpoint[], tokens: number, chosen: number, matched: number[] = []) {
  assert.ok(isScorer(plugin) && isPreRequest(plugin));
  const cycle = cycleWith(endpoints, matched);
  const request = testRequest({ prompt: prompt(tokens) });
  const scores = plugin.score(request, endpoints, cycle);
  const result: SchedulingResult = {
    primaryProfile: 'default',
    profileResults: { default: { endpoints: [endpoints[chosen]], candidates: [] } },
  };
  plugin.preRequest(request, result, cycle);
  return { scores, request, result, cycle };
}

function score(plugin: Plugin, endpoints: Endpoint[], tokens: number, matched: number[] = []): number[] {
  assert.ok(isScorer(plugin));
  const scores = plugin.score(
    testRequest({ prompt: prompt(tokens) }),
    endpoints,
    cycleWith(endpoints, matched),
  );
  return scores.map((value) => Math.round(value * 1000) / 1000);
}

const three = () => [testEndpoint(1), testEndpoint(2), testEndpoint(3)];

describe('prefill-load-scorer', () => {
  // cost = backlog + 2 × uncached tokens; score = (least cost + 256) / (cost + 256).
  const cases: { name: string; backlog: number[]; matched: number[]; tokens: number; expected: number[] }[] =
    [
      {
        name: 'idle and cold everywhere: alike',
        backlog: [0, 0, 0],
        matched: [],
        tokens: 3200,
        expected: [1, 1, 1],
      },
      {
        name: 'idle: the holder of 3,000 tokens prefills 200, the others 3,200',
        backlog: [0, 0, 0],
        matched: [3000],
        tokens: 3200,
        expected: [1, 0.099, 0.099],
      },
      {
        name: 'the holder has 2,000 tokens waiting: still the soonest first token',
        backlog: [2000, 0, 0],
        matched: [3000],
        tokens: 3200,
        expected: [1, 0.399, 0.399],
      },
      {
        name: 'the holder has 4,000 tokens waiting: it keeps the request rather than add 3,000 tokens of work',
        backlog: [4000, 0, 0],
        matched: [3000],
        tokens: 3200,
        expected: [1, 0.7, 0.7],
      },
      {
        name: 'the holder has 7,000 tokens waiting: affinity yields to a cold, idle endpoint',
        backlog: [7000, 0, 0],
        matched: [3000],
        tokens: 3200,
        expected: [0.869, 1, 1],
      },
      {
        name: 'a new prompt goes where the least prefill waits',
        backlog: [800, 0, 1600],
        matched: [],
        tokens: 3200,
        expected: [0.893, 1, 0.806],
      },
    ];
  for (const { name, backlog, matched, tokens, expected } of cases) {
    it(name, () => {
      const plugin = testPlugin('prefill-load-scorer');
      const endpoints = three();
      backlog.forEach((waiting, index) => {
        if (waiting > 0) send(plugin, endpoints, waiting, index);
      });
      assert.deepEqual(score(plugin, endpoints, tokens, matched), expected);
    });
  }

  it('counts only the uncached part of a request in the backlog', () => {
    const plugin = testPlugin('prefill-load-scorer');
    const endpoints = three();
    send(plugin, endpoints, 3200, 0, [3000]);
    // Endpoint 1 has 200 tokens waiting: a 100-token prompt costs 200 + 2 × 100 there, 2 × 100 elsewhere.
    assert.deepEqual(score(plugin, endpoints, 100), [0.695, 1, 1]);
  });

  it('a request leaves the backlog at its first token, or when it ends without one, once', () => {
    const plugin = testPlugin('prefill-load-scorer');
    assert.ok(isResponseFirstChunk(plugin) && isResponseComplete(plugin));
    const endpoints = three();
    const streamed = send(plugin, endpoints, 1000, 0);
    const failed = send(plugin, endpoints, 1000, 1);
    assert.deepEqual(score(plugin, endpoints, 1), [0.205, 0.205, 1]);
    plugin.responseFirstChunk(streamed.request, streamed.result, streamed.cycle);
    assert.deepEqual(score(plugin, endpoints, 1), [1, 0.205, 1]);
    const outcome = {
      servedEndpoint: endpoints[0],
      status: 200,
      promptTokens: 1000,
      completionTokens: 1,
      cachedTokens: 0,
    };
    plugin.responseComplete(streamed.request, streamed.result, outcome, streamed.cycle);
    plugin.responseComplete(failed.request, failed.result, { ...outcome, status: undefined }, failed.cycle);
    assert.deepEqual(score(plugin, endpoints, 1), [1, 1, 1]);
  });

  it('forgets an endpoint that leaves the pool', () => {
    const plugin = testPlugin('prefill-load-scorer');
    assert.ok(isEndpointObserver(plugin));
    const endpoints = three();
    send(plugin, endpoints, 1000, 0);
    plugin.endpointRemoved(endpoints[0]);
    assert.deepEqual(score(plugin, endpoints, 1), [1, 1, 1]);
  });

  it('takes uncachedWeight (at least 1) and baseTokens (at least 1)', () => {
    const plugin = testPlugin('prefill-load-scorer', { uncachedWeight: 1, baseTokens: 1 });
    const endpoints = three();
    send(plugin, endpoints, 999, 0);
    assert.deepEqual(score(plugin, endpoints, 1), [0.002, 1, 1]);
    assert.throws(
      () => testPlugin('prefill-load-scorer', { uncachedWeight: 0.5 }),
      configProblem('parameters.uncachedWeight', /at least 1/),
    );
    assert.throws(
      () => testPlugin('prefill-load-scorer', { baseTokens: 0 }),
      configProblem('parameters.baseTokens', /at least 1/),
    );
  });
});
