import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ServedKind } from './kinds.ts';
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
