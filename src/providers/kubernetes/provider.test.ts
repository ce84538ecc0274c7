import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { usageError } from '../../cli/args.ts';
import type { ServedKind } from './kinds.ts';
import { parseKubernetesServeArgs } from './options.ts';
import { baseScopes } from './provider.ts';
import { describeScope } from './reflector.ts';

function kind(name: string, namespaced: boolean, referenced = false): ServedKind {
  return { kind: name, apiVersion: 'v1', resource: `${name.toLowerCase()}s`, namespaced, referenced };
}

const served = [kind('GatewayClass', false), kind('Gateway', true), kind('Secret', true, true)];

describe('the watches of the kinds read in full', () => {
  test('one per kind; referenced kinds are left to the dependents', () => {
    assert.deepEqual(baseScopes(served, [], []).map(describeScope), ['GatewayClass', 'Gateway']);
  });

  test('namespaced kinds once per namespace when restricted', () => {
    assert.deepEqual(baseScopes(served, ['a', 'b'], []).map(describeScope), [
      'GatewayClass',
      'Gateway in a',
      'Gateway in b',
    ]);
  });

  test('GatewayClasses one per name when the classes are restricted', () => {
    assert.deepEqual(baseScopes(served, ['a'], ['internal', 'external']).map(describeScope), [
      'GatewayClass (metadata.name=internal)',
      'GatewayClass (metadata.name=external)',
      'Gateway in a',
    ]);
  });
});

describe('--gateway-class', () => {
  test('repeatable; none means every class', () => {
    assert.deepEqual(parseKubernetesServeArgs([]).gatewayClasses, []);
    assert.deepEqual(
      parseKubernetesServeArgs(['--gateway-class', 'internal', '--gateway-class=external.example.com'])
        .gatewayClasses,
      ['internal', 'external.example.com'],
    );
  });

  test('a name that cannot be a GatewayClass is a usage error', () => {
    const expected = usageError('--gateway-class must be a GatewayClass name, not "Internal"');
    assert.throws(() => parseKubernetesServeArgs(['--gateway-class', 'Internal']), {
      message: expected.message,
    });
  });
});
