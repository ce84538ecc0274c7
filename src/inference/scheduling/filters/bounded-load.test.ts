import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configProblem, testEndpoint, testPlugin, testRequest } from '../../testkit.ts';
import { isFilter } from '../types.ts';

function kept(inFlight: number[], parameters?: Record<string, unknown>): number[] {
  const plugin = testPlugin('bounded-load-filter', parameters);
  assert.ok(isFilter(plugin));
  const endpoints = inFlight.map((requests, index) => {
    const endpoint = testEndpoint(index + 1);
    endpoint.inFlight.requests = requests;
    return endpoint;
  });
  return plugin
    .filter(testRequest(), endpoints, new Map())
    .map((endpoint) => endpoints.indexOf(endpoint) + 1);
}

describe('bounded-load-filter', () => {
  // bound = (1 + epsilon) × (in flight + 1) / endpoints + slack, by default 2 × mean + 4; an endpoint stays
  // if its count + 1 fits.
  const cases: {
    name: string;
    inFlight: number[];
    parameters?: Record<string, unknown>;
    expected: number[];
  }[] = [
    { name: 'an idle pool keeps everyone', inFlight: [0, 0, 0, 0], expected: [1, 2, 3, 4] },
    {
      name: 'a few requests in flight: the slack keeps a prefix where it is',
      inFlight: [7, 0, 0, 0],
      expected: [1, 2, 3, 4],
    },
    {
      name: 'the slack alone bounds a replica that takes every request at low load',
      inFlight: [8, 0, 0, 0],
      expected: [2, 3, 4],
    },
    {
      name: 'under load: more than twice the mean + 4 is out (bound 24.5 at mean 10.25)',
      inFlight: [25, 14, 1, 0],
      expected: [2, 3, 4],
    },
    {
      name: 'under load: an uneven spread within the bound is left alone (bound 23)',
      inFlight: [22, 14, 1, 0],
      expected: [1, 2, 3, 4],
    },
    {
      name: 'epsilon 0 and slack 1: the strict bound of consistent hashing with bounded loads',
      inFlight: [3, 2, 2, 0],
      parameters: { epsilon: 0, slack: 1 },
      expected: [2, 3, 4],
    },
    { name: 'one endpoint always fits', inFlight: [50], expected: [1] },
  ];
  for (const { name, inFlight, parameters, expected } of cases) {
    it(name, () => assert.deepEqual(kept(inFlight, parameters), expected));
  }

  it('validates its parameters', () => {
    assert.throws(
      () => testPlugin('bounded-load-filter', { epsilon: -0.1 }),
      configProblem('parameters.epsilon', /at least 0/),
    );
    assert.throws(
      () => testPlugin('bounded-load-filter', { slack: 0.5 }),
      configProblem('parameters.slack', /at least 1/),
    );
  });
});
