// Match semantics: path types, method, headers and query parameters, compiled once and evaluated.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IRMatch } from '../../ir/types.ts';
import { matchInput as request } from '../testkit.ts';
import { compileMatch, matches } from './match.ts';

function match(fields: Partial<IRMatch>): IRMatch {
  return { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [], ...fields };
}

test('Exact paths compare case-sensitively and whole', () => {
  const exact = compileMatch(match({ path: { type: 'Exact', value: '/Match/exact' } }));
  assert.ok(matches(exact, request('/Match/exact')));
  assert.ok(!matches(exact, request('/match/exact')));
  assert.ok(!matches(exact, request('/Match/exact/')));
});

test('PathPrefix matches whole path elements and ignores a trailing slash in the prefix', () => {
  for (const prefix of ['/abc', '/abc/']) {
    const compiled = compileMatch(match({ path: { type: 'PathPrefix', value: prefix } }));
    for (const path of ['/abc', '/abc/', '/abc/x'])
      assert.ok(matches(compiled, request(path)), `${prefix} ~ ${path}`);
    for (const path of ['/abcd', '/ab', '/'])
      assert.ok(!matches(compiled, request(path)), `${prefix} !~ ${path}`);
  }
  assert.ok(matches(compileMatch(match({})), request('/anything/at/all')));
});

test('RegularExpression paths must match the whole path', () => {
  const regex = compileMatch(match({ path: { type: 'RegularExpression', value: '/v[0-9]+/models' } }));
  assert.ok(matches(regex, request('/v1/models')));
  assert.ok(!matches(regex, request('/v1/models/extra')));
  assert.ok(!matches(regex, request('/api/v1/models')));
});

test('an invalid regular expression never matches instead of throwing', () => {
  assert.ok(
    !matches(compileMatch(match({ path: { type: 'RegularExpression', value: '([' } })), request('/(')),
  );
});

test('method must equal when given', () => {
  const post = compileMatch(match({ method: 'POST' }));
  assert.ok(matches(post, request('/', { method: 'POST' })));
  assert.ok(!matches(post, request('/', { method: 'GET' })));
});

test('header names are case-insensitive, values exact and case-sensitive, repeats joined with a comma', () => {
  const compiled = compileMatch(
    match({
      headers: [
        { name: 'Version', type: 'Exact', value: 'two' },
        { name: 'color', type: 'Exact', value: 'a,b' },
      ],
    }),
  );
  assert.ok(
    matches(
      compiled,
      request('/', {
        headers: [
          ['VERSION', 'two'],
          ['Color', 'a'],
          ['color', 'b'],
        ],
      }),
    ),
  );
  assert.ok(
    !matches(
      compiled,
      request('/', {
        headers: [
          ['version', 'Two'],
          ['color', 'a,b'],
        ],
      }),
    ),
  );
  assert.ok(!matches(compiled, request('/', { headers: [['color', 'a,b']] })));
});

test('header regular expressions match the whole value', () => {
  const compiled = compileMatch(
    match({ headers: [{ name: 'x-tier', type: 'RegularExpression', value: 'gold|silver' }] }),
  );
  assert.ok(matches(compiled, request('/', { headers: [['x-tier', 'silver']] })));
  assert.ok(!matches(compiled, request('/', { headers: [['x-tier', 'silverish']] })));
});

test('query parameter names are case-sensitive and the first value counts', () => {
  const compiled = compileMatch(match({ queryParams: [{ name: 'animal', type: 'Exact', value: 'whale' }] }));
  assert.ok(matches(compiled, request('/', { query: 'animal=whale&animal=dolphin' })));
  assert.ok(!matches(compiled, request('/', { query: 'animal=dolphin&animal=whale' })));
  assert.ok(!matches(compiled, request('/', { query: 'Animal=whale' })));
});
