// Route table precedence on hand-built IR: host buckets, wildcard specificity, order inside a bucket.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IRMatch } from '../../ir/types.ts';
import { matchInput } from '../testkit.ts';
import { type CompiledMatch, compileMatch } from './match.ts';
import { RouteTable } from './table.ts';

interface Entry {
  id: string;
  match: CompiledMatch;
}

function prefix(value: string): IRMatch {
  return { path: { type: 'PathPrefix', value }, headers: [], queryParams: [] };
}

function table(entries: [id: string, hostnames: string[], match: IRMatch][]): RouteTable<Entry> {
  return new RouteTable(
    entries.map(([id, hostnames, match]) => ({ hostnames, route: { id, match: compileMatch(match) } })),
  );
}

function lookup(routes: RouteTable<Entry>, host: string, path: string): string | undefined {
  return routes.lookup(host, matchInput(path))?.id;
}

test('the exact-host bucket is tried before wildcards and the catch-all', () => {
  const routes = table([
    ['any', [], { path: { type: 'Exact', value: '/x' }, headers: [], queryParams: [] }],
    ['wild', ['*.example.com'], { path: { type: 'Exact', value: '/x' }, headers: [], queryParams: [] }],
    ['exact', ['foo.example.com'], prefix('/')],
  ]);
  assert.equal(lookup(routes, 'foo.example.com', '/x'), 'exact');
  assert.equal(lookup(routes, 'bar.example.com', '/x'), 'wild');
  assert.equal(lookup(routes, 'other.org', '/x'), 'any');
});

test('a host falls through to less specific buckets when its own bucket has no matching entry', () => {
  const routes = table([
    ['exact-api', ['foo.example.com'], prefix('/api')],
    ['wild-docs', ['*.example.com'], prefix('/docs')],
    ['any', [], prefix('/')],
  ]);
  assert.equal(lookup(routes, 'foo.example.com', '/api/v1'), 'exact-api');
  assert.equal(lookup(routes, 'foo.example.com', '/docs'), 'wild-docs');
  assert.equal(lookup(routes, 'foo.example.com', '/other'), 'any');
  assert.equal(lookup(routes, 'bar.example.com', '/api'), 'any');
});

test('wildcards are tried most specific first and cover one or more labels, never the apex', () => {
  const routes = table([
    ['broad', ['*.example.com'], prefix('/')],
    ['narrow', ['*.api.example.com'], prefix('/')],
  ]);
  assert.equal(lookup(routes, 'v1.api.example.com', '/'), 'narrow');
  assert.equal(lookup(routes, 'a.b.api.example.com', '/'), 'narrow');
  assert.equal(lookup(routes, 'api.example.com', '/'), 'broad');
  assert.equal(lookup(routes, 'a.b.example.com', '/'), 'broad');
  assert.equal(lookup(routes, 'example.com', '/'), undefined);
});

test("inside a bucket the translator's order decides: the first matching entry wins", () => {
  const routes = table([
    ['first', ['foo.com'], prefix('/a')],
    ['second', ['foo.com'], prefix('/')],
    ['third', ['foo.com'], prefix('/a/b')],
  ]);
  assert.equal(lookup(routes, 'foo.com', '/a/b'), 'first');
  assert.equal(lookup(routes, 'foo.com', '/z'), 'second');
});

test('a route listing several hostnames serves each of them; "" means any host', () => {
  const routes = table([
    ['multi', ['one.com', 'Two.COM'], prefix('/')],
    ['empty-name', [''], prefix('/')],
  ]);
  assert.equal(lookup(routes, 'one.com', '/'), 'multi');
  assert.equal(lookup(routes, 'two.com', '/'), 'multi');
  assert.equal(lookup(routes, 'three.com', '/'), 'empty-name');
});

test('no match anywhere gives undefined (the caller answers 404)', () => {
  const routes = table([['only', ['foo.com'], prefix('/only')]]);
  assert.equal(lookup(routes, 'foo.com', '/else'), undefined);
  assert.equal(lookup(routes, 'bar.com', '/only'), undefined);
});
