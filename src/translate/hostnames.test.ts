import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostnameMatches } from '../ir/hostname.ts';
import { compareHostnameSpecificity, hostnamesIntersect, intersectHostnames } from './hostnames.ts';

test('a wildcard covers one or more labels but never the apex', () => {
  assert.equal(hostnameMatches('*.example.com', 'foo.example.com'), true);
  assert.equal(hostnameMatches('*.example.com', 'a.b.example.com'), true);
  assert.equal(hostnameMatches('*.example.com', 'example.com'), false);
  assert.equal(hostnameMatches('*.com', 'www.example.com'), true);
  assert.equal(hostnameMatches('foo.com', 'foo.com'), true);
  assert.equal(hostnameMatches('foo.com', 'bar.foo.com'), false);
});

test('listener and route hostnames intersect as the hostnames concept page describes', () => {
  const cases: [string | undefined, string[], string[] | null][] = [
    [undefined, [], []],
    ['very.specific.com', [], ['very.specific.com']],
    [undefined, ['first.com', 'sub.first.com'], ['first.com', 'sub.first.com']],
    ['very.specific.com', ['*.specific.com'], ['very.specific.com']],
    [
      'very.specific.com',
      ['non.matching.com', '*.nonmatchingwildcard.io', 'very.specific.com'],
      ['very.specific.com'],
    ],
    ['very.specific.com', ['specific.but.wrong.com', 'wildcard.io'], null],
    ['*.wildcard.io', ['foo.wildcard.io', 'wildcard.io'], ['foo.wildcard.io']],
    ['*.com', ['*.example.com'], ['*.example.com']],
    ['*.example.com', ['*.com'], ['*.example.com']],
    ['*.example.com', ['*.example.org'], null],
  ];
  for (const [listener, route, expected] of cases) {
    assert.deepEqual(intersectHostnames(listener, route), expected, `${listener} ∩ ${route.join(',')}`);
  }
});

test('listener hostnames sort exact first, then wildcards with more labels, then none', () => {
  const sorted = [undefined, '*.com', 'bar.com', '*.foo.bar.com', 'foo.bar.com'].sort(
    compareHostnameSpecificity,
  );
  assert.deepEqual(sorted, ['bar.com', 'foo.bar.com', '*.foo.bar.com', '*.com', undefined]);
});

test('two routes share a host on a listener when either accepts any host or two of their names meet', () => {
  assert.equal(hostnamesIntersect([], ['grpc.example.com']), true);
  assert.equal(hostnamesIntersect(['a.example.com'], ['a.example.com', 'b.example.com']), true);
  assert.equal(hostnamesIntersect(['*.example.com'], ['grpc.example.com']), true);
  assert.equal(hostnamesIntersect(['*.example.com'], ['*.api.example.com']), true);
  assert.equal(hostnamesIntersect(['*.example.com'], ['example.com']), false);
  assert.equal(hostnamesIntersect(['web.example.com'], ['grpc.example.com']), false);
});
