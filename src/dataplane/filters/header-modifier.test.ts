// Header modifiers on request header lists and response header records.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compileHeaderModifier,
  type HeaderRecord,
  modifyHeaderList,
  modifyHeaderRecord,
} from './header-modifier.ts';

const modifier = compileHeaderModifier({
  set: [['X-Header-Set', 'set-overwrites-values']],
  add: [['x-Mixedcase-ADD-1', 'add-appends-values']],
  remove: ['X-Header-Remove'],
});

test('on a request header list: set replaces every line, add appends a line, remove deletes any case', () => {
  const headers = [
    'x-header-set',
    'one',
    'X-HEADER-SET',
    'two',
    'x-mixedcase-add-1',
    'kept',
    'x-header-REMOVE',
    'gone',
  ];
  modifyHeaderList(headers, modifier);
  assert.deepEqual(headers, [
    'x-mixedcase-add-1',
    'kept',
    'x-header-set',
    'set-overwrites-values',
    'x-mixedcase-add-1',
    'add-appends-values',
  ]);
});

test('on a response header record: set replaces, add makes a list, remove deletes', () => {
  const headers: HeaderRecord = {
    'x-header-set': ['a', 'b'],
    'x-mixedcase-add-1': 'kept',
    'x-header-remove': 'gone',
  };
  modifyHeaderRecord(headers, modifier);
  assert.deepEqual(headers, {
    'x-header-set': 'set-overwrites-values',
    'x-mixedcase-add-1': ['kept', 'add-appends-values'],
  });
});
