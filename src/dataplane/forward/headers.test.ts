// Hop-by-hop stripping and forwarding headers at the proxy boundary.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './headers.ts';

/** A version 4, RFC 9562 variant UUID in lower-case hex, as `crypto.randomUUID()` formats it. */
const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function pairs(list: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < list.length; i += 2) out.push([list[i], list[i + 1]]);
  return out;
}

test('request: hop-by-hop, Connection-named and duplicate Host lines are dropped; order and case kept', () => {
  const headers = upstreamRequestHeaders(
    [
      'Host',
      'a.example:8080',
      'Connection',
      'keep-alive, X-Private',
      'X-Private',
      'secret',
      'Transfer-Encoding',
      'chunked',
      'Expect',
      '100-continue',
      'Proxy-Authorization',
      'basic x',
      'Accept',
      'text/plain',
      'Host',
      'evil.example',
      'X-Request-Id',
      'abc',
    ],
    '10.1.1.1',
    'https',
  );
  assert.deepEqual(pairs(headers), [
    ['Host', 'a.example:8080'],
    ['Accept', 'text/plain'],
    ['X-Request-Id', 'abc'],
    ['x-forwarded-for', '10.1.1.1'],
    ['x-forwarded-proto', 'https'],
    ['x-forwarded-host', 'a.example:8080'],
  ]);
});

test('request: x-forwarded-* values the client sent are extended, repeated lines joined', () => {
  const headers = upstreamRequestHeaders(
    ['x-forwarded-for', '1.1.1.1', 'X-Forwarded-For', '2.2.2.2', 'x-forwarded-proto', 'https', 'host', 'h'],
    '3.3.3.3',
    'http',
  );
  const byName = new Map(pairs(headers));
  assert.equal(byName.get('x-forwarded-for'), '1.1.1.1, 2.2.2.2, 3.3.3.3');
  assert.equal(byName.get('x-forwarded-proto'), 'https, http');
  assert.equal(byName.get('x-forwarded-host'), 'h');
  assert.match(byName.get('x-request-id') ?? '', uuidV4);
});

test('response: hop-by-hop and Connection-named headers are dropped, the rest copied', () => {
  assert.deepEqual(
    downstreamResponseHeaders({
      connection: 'keep-alive, x-hop',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      'x-hop': '1',
      'content-type': 'text/plain',
      'set-cookie': ['a=1', 'b=2'],
    }),
    { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] },
  );
});
