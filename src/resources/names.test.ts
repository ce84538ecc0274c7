import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDnsLabel, isDnsSubdomain, portNameProblem, qualifiedNameProblem } from './names.ts';

test('DNS names', () => {
  assert.ok(isDnsSubdomain('a.b-c.d'));
  assert.ok(!isDnsSubdomain('a..b'));
  assert.ok(!isDnsSubdomain(`${'a'.repeat(250)}.com`));
  assert.ok(isDnsLabel('a-1'));
  assert.ok(!isDnsLabel('a.b'));
  assert.ok(!isDnsLabel('a'.repeat(64)));
});

test('qualified names: optional subdomain prefix, 63-character name', () => {
  for (const good of ['app', 'app.kubernetes.io/name', 'A_b.c-D', 'example.com/X'])
    assert.equal(qualifiedNameProblem(good), undefined, good);
  for (const bad of ['', '/a', 'Example.com/a', 'a/', '-a', 'a-', 'a b', 'x'.repeat(64), 'a/b/c']) {
    assert.ok(qualifiedNameProblem(bad), bad);
  }
});

test('IANA service names (named ports)', () => {
  for (const good of ['http', 'h2c', 'grpc-web', 'a1']) assert.equal(portNameProblem(good), undefined, good);
  for (const bad of ['', '80', 'HTTP', '-a', 'a-', 'a--b', 'a'.repeat(16)])
    assert.ok(portNameProblem(bad), bad);
});
