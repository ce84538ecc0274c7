import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoint } from '../../datalayer/endpoint.ts';
import { newEndpoint } from '../../datalayer/endpoint.ts';
import { configProblem, testPlugin, testRequest } from '../../testkit.ts';
import { isFilter } from '../types.ts';

function pod(n: number, labels: Record<string, string>): Endpoint {
  return newEndpoint({ address: `10.0.0.${n}`, port: 8000, name: `pod-${n}`, labels });
}

const endpoints = [
  pod(1, { gpu: 'h100', track: 'stable' }),
  pod(2, { gpu: 'a100', track: 'stable' }),
  pod(3, { gpu: 'h100', track: 'canary' }),
  pod(4, {}),
];

function kept(type: string, parameters: Record<string, unknown>): string[] {
  const plugin = testPlugin(type, parameters);
  assert.ok(isFilter(plugin));
  return plugin.filter(testRequest(), endpoints, new Map()).map((endpoint) => endpoint.name);
}

describe('label-selector-filter', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['an empty selector keeps everything', {}, ['pod-1', 'pod-2', 'pod-3', 'pod-4']],
    ['matchLabels', { matchLabels: { gpu: 'h100' } }, ['pod-1', 'pod-3']],
    ['matchLabels are ANDed', { matchLabels: { gpu: 'h100', track: 'stable' } }, ['pod-1']],
    ['In', { matchExpressions: [{ key: 'gpu', operator: 'In', values: ['a100', 'l4'] }] }, ['pod-2']],
    [
      'NotIn keeps endpoints without the label',
      { matchExpressions: [{ key: 'track', operator: 'NotIn', values: ['canary'] }] },
      ['pod-1', 'pod-2', 'pod-4'],
    ],
    ['Exists', { matchExpressions: [{ key: 'track', operator: 'Exists' }] }, ['pod-1', 'pod-2', 'pod-3']],
    ['DoesNotExist', { matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }, ['pod-4']],
    [
      'labels and expressions together',
      {
        matchLabels: { gpu: 'h100' },
        matchExpressions: [{ key: 'track', operator: 'In', values: ['canary'] }],
      },
      ['pod-3'],
    ],
  ];
  for (const [title, parameters, expected] of cases) {
    it(title, () => assert.deepEqual(kept('label-selector-filter', parameters), expected));
  }

  it('by-label-selector is the same filter under its deprecated name', () => {
    assert.deepEqual(kept('by-label-selector', { matchLabels: { track: 'canary' } }), ['pod-3']);
  });

  const invalid: [string, Record<string, unknown>, string, RegExp][] = [
    ['matchLabels not a mapping', { matchLabels: ['gpu'] }, 'parameters.matchLabels', /mapping/],
    ['a label value not a string', { matchLabels: { gpu: 1 } }, 'parameters.matchLabels.gpu', /string/],
    [
      'an unknown operator',
      { matchExpressions: [{ key: 'gpu', operator: 'Is' }] },
      'parameters.matchExpressions[0].operator',
      /one of/,
    ],
    [
      'In without values',
      { matchExpressions: [{ key: 'gpu', operator: 'In' }] },
      'parameters.matchExpressions[0].values',
      /not be empty/,
    ],
    [
      'Exists with values',
      { matchExpressions: [{ key: 'gpu', operator: 'Exists', values: ['x'] }] },
      'parameters.matchExpressions[0].values',
      /be empty/,
    ],
    [
      'no key',
      { matchExpressions: [{ operator: 'Exists' }] },
      'parameters.matchExpressions[0].key',
      /required/,
    ],
    ['an unknown field', { matchLabel: { gpu: 'h100' } }, 'parameters.matchLabel', /unknown field/],
  ];
  for (const [title, parameters, path, message] of invalid) {
    it(`rejects ${title}`, () => {
      assert.throws(() => testPlugin('label-selector-filter', parameters), configProblem(path, message));
    });
  }
});
