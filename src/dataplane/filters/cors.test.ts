// CORS policy evaluation: origin patterns, preflight answers and the headers of actual responses.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IRCors } from '../../ir/types.ts';
import { actualResponseModifier, allowsOrigin, compileCors, preflightHeaders } from './cors.ts';

const policy: IRCors = {
  allowOrigins: ['https://www.foo.com', 'https://*.bar.com'],
  allowCredentials: true,
  allowMethods: ['GET', 'OPTIONS'],
  allowHeaders: ['x-header-1', 'x-header-2'],
  exposeHeaders: ['x-header-3', 'x-header-4'],
  maxAgeSeconds: 3600,
};

test('origins match exactly or by pattern, where * spans any number of labels', () => {
  const cors = compileCors(policy);
  assert.ok(allowsOrigin(cors, 'https://www.foo.com'));
  assert.ok(allowsOrigin(cors, 'https://www.bar.com'));
  assert.ok(allowsOrigin(cors, 'https://xpto.www.bar.com'));
  assert.ok(!allowsOrigin(cors, 'https://foobar.com'));
  assert.ok(!allowsOrigin(cors, 'http://www.foo.com'));
  assert.ok(!allowsOrigin(cors, 'https://bar.com'));
  assert.ok(allowsOrigin(compileCors({ ...policy, allowOrigins: ['*'] }), 'https://foobar.com:12345'));
});

test('a preflight answer lists the policy and echoes the origin', () => {
  assert.deepEqual(preflightHeaders(compileCors(policy), 'https://www.bar.com', 'GET', 'x-header-1'), {
    'access-control-allow-origin': 'https://www.bar.com',
    'access-control-allow-methods': 'GET, OPTIONS',
    'access-control-allow-headers': 'x-header-1, x-header-2',
    'access-control-expose-headers': 'x-header-3, x-header-4',
    'access-control-max-age': '3600',
    'access-control-allow-credentials': 'true',
    vary: 'origin',
  });
});

test('with credentials, * methods and headers are answered with what was asked; without, with *', () => {
  const wildcard = { ...policy, allowMethods: ['*'], allowHeaders: ['*'], exposeHeaders: [] };
  const withCredentials = preflightHeaders(compileCors(wildcard), 'https://www.foo.com', 'PUT', 'x-a, x-b');
  assert.equal(withCredentials['access-control-allow-methods'], 'PUT');
  assert.equal(withCredentials['access-control-allow-headers'], 'x-a, x-b');
  const anonymous = preflightHeaders(
    compileCors({ ...wildcard, allowCredentials: false }),
    'https://www.foo.com',
    'PUT',
    'x-a',
  );
  assert.equal(anonymous['access-control-allow-methods'], '*');
  assert.equal(anonymous['access-control-allow-headers'], '*');
  assert.equal(anonymous['access-control-allow-credentials'], undefined);
});

test('an actual response gets the origin, credentials and exposed headers', () => {
  const modifier = actualResponseModifier(compileCors(policy), 'https://www.foo.com');
  assert.deepEqual(modifier.set, [
    ['access-control-allow-origin', 'https://www.foo.com'],
    ['access-control-allow-credentials', 'true'],
    ['access-control-expose-headers', 'x-header-3, x-header-4'],
  ]);
});
