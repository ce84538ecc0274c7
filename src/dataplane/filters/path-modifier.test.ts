// The path modifier table from the Gateway API spec (HTTPPathModifier) plus the conformance cases.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modifyPath, replacePrefixMatch } from './path-modifier.ts';

const prefixCases: [path: string, prefix: string, replacement: string, expected: string][] = [
  ['/foo/bar', '/foo', '/xyz', '/xyz/bar'],
  ['/foo/bar', '/foo', '/xyz/', '/xyz/bar'],
  ['/foo/bar', '/foo/', '/xyz', '/xyz/bar'],
  ['/foo/bar', '/foo/', '/xyz/', '/xyz/bar'],
  ['/foo', '/foo', '/xyz', '/xyz'],
  ['/foo/', '/foo', '/xyz', '/xyz/'],
  ['/foo/bar', '/foo', '', '/bar'],
  ['/foo/', '/foo', '', '/'],
  ['/foo', '/foo', '', '/'],
  ['/foo/', '/foo', '/', '/'],
  ['/foo', '/foo', '/', '/'],
  ['/foo/bar', '/foo', '/', '/bar'],
  ['/strip-prefix/three', '/strip-prefix', '/', '/three'],
  ['/strip-prefix', '/strip-prefix', '/', '/'],
  ['/prefix/one/two', '/prefix/one', '/one', '/one/two'],
  ['/anything', '/', '/xyz', '/xyz/anything'],
  ['/', '/', '/xyz', '/xyz/'],
  ['/foo//bar', '/foo', '/xyz', '/xyz//bar'],
  ['/foobar', '/foo', '/xyz', '/foobar'],
];

for (const [path, prefix, replacement, expected] of prefixCases) {
  test(`ReplacePrefixMatch ${path} prefix ${prefix} → ${JSON.stringify(replacement)} gives ${expected}`, () => {
    assert.equal(replacePrefixMatch(path, prefix, replacement), expected);
  });
}

test('ReplaceFullPath replaces the whole path', () => {
  assert.equal(modifyPath('/full/one/two', { type: 'ReplaceFullPath', value: '/one' }), '/one');
});

test('modifyPath applies a bound prefix modifier', () => {
  assert.equal(
    modifyPath('/foo/bar', { type: 'ReplacePrefixMatch', prefix: '/foo', value: '/xyz' }),
    '/xyz/bar',
  );
});
