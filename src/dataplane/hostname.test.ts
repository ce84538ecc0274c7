// Host normalisation and the listener precedence exact > most specific wildcard > hostname-less.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HostnameIndex, hostWithoutPort } from './hostname.ts';

test('the Host port is dropped and the name lower-cased; IPv6 literals keep their brackets', () => {
  assert.equal(hostWithoutPort('Very.Specific.com:1234'), 'very.specific.com');
  assert.equal(hostWithoutPort('example.org'), 'example.org');
  assert.equal(hostWithoutPort('[::1]:8080'), '[::1]');
  assert.equal(hostWithoutPort('[::1]'), '[::1]');
  assert.equal(hostWithoutPort(undefined), '');
});

test('listener selection: exact, then the most specific wildcard, then the hostname-less one', () => {
  const index = new HostnameIndex<string>([
    [null, 'any'],
    ['*.example.com', 'wild'],
    ['*.foo.example.com', 'wild-foo'],
    ['abc.foo.example.com', 'exact'],
  ]);
  assert.equal(index.select('abc.foo.example.com'), 'exact');
  assert.equal(index.select('x.foo.example.com'), 'wild-foo');
  assert.equal(index.select('a.b.foo.example.com'), 'wild-foo');
  assert.equal(index.select('foo.example.com'), 'wild');
  assert.equal(index.select('example.com'), 'any', 'a wildcard never matches its apex');
  assert.equal(index.select('other.org'), 'any');
});

test('without a hostname-less entry an unknown host selects nothing', () => {
  const index = new HostnameIndex<string>([['Foo.com', 'foo']]);
  assert.equal(index.select('foo.com'), 'foo');
  assert.equal(index.select('bar.com'), undefined);
});
