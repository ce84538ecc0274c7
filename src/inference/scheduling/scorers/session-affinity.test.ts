import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../../sim/clock.ts';
import { configProblem, testEndpoint, testPlugin, testRequest } from '../../testkit.ts';
import { parseEndpointPickerConfig } from '../config.ts';
import { Scheduler } from '../scheduler.ts';
import { isResponseHeaders, isScorer } from '../types.ts';

const endpoints = () => [testEndpoint(1), testEndpoint(2), testEndpoint(3)];
/** base64 of `10.0.0.2:8000`, the token that names endpoint 2. */
const second = Buffer.from('10.0.0.2:8000').toString('base64');

function sessionAffinity(parameters?: Record<string, unknown>) {
  const plugin = testPlugin('session-affinity-scorer', parameters);
  assert.ok(isScorer(plugin) && isResponseHeaders(plugin));
  return plugin;
}

describe('session-affinity-scorer', () => {
  const cases: { name: string; headers: Record<string, string>; scores: number[] }[] = [
    { name: 'no token: every endpoint 0', headers: {}, scores: [0, 0, 0] },
    { name: 'the llm-d-session cookie', headers: { cookie: `llm-d-session=${second}` }, scores: [0, 1, 0] },
    {
      name: 'the cookie among others',
      headers: { cookie: `theme=dark; llm-d-session=${second}; lang=en` },
      scores: [0, 1, 0],
    },
    { name: 'the x-session-token header', headers: { 'x-session-token': second }, scores: [0, 1, 0] },
    {
      name: 'the cookie wins over the header',
      headers: {
        cookie: `llm-d-session=${Buffer.from('10.0.0.3:8000').toString('base64')}`,
        'x-session-token': second,
      },
      scores: [0, 0, 1],
    },
    {
      name: 'an endpoint no longer in the pool',
      headers: { cookie: `llm-d-session=${Buffer.from('10.9.9.9:8000').toString('base64')}` },
      scores: [0, 0, 0],
    },
    {
      name: 'a token that is not base64 of an endpoint',
      headers: { cookie: 'llm-d-session=%%%' },
      scores: [0, 0, 0],
    },
    {
      name: 'another cookie of a similar name',
      headers: { cookie: `xllm-d-session=${second}` },
      scores: [0, 0, 0],
    },
  ];
  for (const { name, headers, scores } of cases) {
    it(`scores ${name}`, () => {
      assert.deepEqual(sessionAffinity().score(testRequest({ headers }), endpoints(), new Map()), scores);
    });
  }

  const responses: {
    name: string;
    parameters?: Record<string, unknown>;
    headers: Record<string, string>;
    expected: [string, string][];
  }[] = [
    {
      name: 'a new session gets the cookie and the header',
      headers: {},
      expected: [
        ['x-session-token', second],
        ['set-cookie', `llm-d-session=${second}; Path=/; HttpOnly; SameSite=Lax`],
      ],
    },
    {
      name: 'a cookie already naming the endpoint is not set again',
      headers: { cookie: `llm-d-session=${second}` },
      expected: [['x-session-token', second]],
    },
    {
      name: 'a session moved to another endpoint gets the new cookie',
      headers: { cookie: `llm-d-session=${Buffer.from('10.0.0.1:8000').toString('base64')}` },
      expected: [
        ['x-session-token', second],
        ['set-cookie', `llm-d-session=${second}; Path=/; HttpOnly; SameSite=Lax`],
      ],
    },
    {
      name: 'maxAge makes a persistent cookie',
      parameters: { maxAge: 3600 },
      headers: { 'x-session-token': second },
      expected: [
        ['x-session-token', second],
        ['set-cookie', `llm-d-session=${second}; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax`],
      ],
    },
  ];
  for (const { name, parameters, headers, expected } of responses) {
    it(`responds: ${name}`, () => {
      const served = endpoints()[1];
      assert.deepEqual(
        sessionAffinity(parameters).responseHeaders(testRequest({ headers }), served, new Map()),
        expected,
      );
    });
  }

  it('rejects a negative maxAge', () => {
    assert.throws(
      () => testPlugin('session-affinity-scorer', { maxAge: -1 }),
      configProblem('parameters.maxAge', /must be at least 0/),
    );
  });

  it('keeps a session on its endpoint through the scheduler, and moves it when the endpoint leaves', () => {
    const config = parseEndpointPickerConfig(`apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
plugins:
  - type: session-affinity-scorer
  - type: queue-scorer
schedulingProfiles:
  - name: default
    plugins:
      - pluginRef: session-affinity-scorer
        weight: 5
      - pluginRef: queue-scorer
        weight: 1
`);
    const scheduler = new Scheduler('default/pool', config, { clock: new ManualClock() });
    const pool = [testEndpoint(1, { waitingQueueSize: 4 }), testEndpoint(2, { waitingQueueSize: 0 })];

    const first = testRequest();
    const firstCycle = new Map<string, unknown>();
    const firstPick = scheduler.schedule(first, pool, firstCycle).profileResults.default.endpoints[0];
    assert.equal(firstPick.id, '10.0.0.2:8000', 'no session yet: the shorter queue wins');
    const cookie = scheduler
      .responseHeaders(first, firstPick, firstCycle)
      .find(([name]) => name === 'set-cookie')?.[1]
      .split(';')[0];
    assert.ok(cookie !== undefined);

    // The session's endpoint now has the longer queue; affinity outweighs it.
    pool[0].metrics = { ...pool[0].metrics, waitingQueueSize: 0 };
    pool[1].metrics = { ...pool[1].metrics, waitingQueueSize: 4 };
    const again = scheduler.schedule(testRequest({ headers: { cookie } }), pool, new Map());
    assert.equal(again.profileResults.default.endpoints[0].id, '10.0.0.2:8000');

    const moved = scheduler.schedule(testRequest({ headers: { cookie } }), [pool[0]], new Map());
    assert.equal(moved.profileResults.default.endpoints[0].id, '10.0.0.1:8000');
  });
});
