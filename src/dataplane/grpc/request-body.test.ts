// The gRPC request body iterable: chunks in order, the client held back while a chunk waits, a cut
// stream reported as an error, and what is left discarded when the upstream stops reading.

import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { grpcRequestBody } from './request-body.ts';

function iterate(source: PassThrough): AsyncIterator<Buffer> {
  const body = grpcRequestBody(source);
  assert.ok(body !== null && !Buffer.isBuffer(body));
  return body[Symbol.asyncIterator]();
}

test('gives the chunks in order, then ends with the stream', async () => {
  const source = new PassThrough();
  const chunks = iterate(source);
  source.write('one');
  source.write('two');
  const first = await chunks.next();
  assert.equal(String(first.value), 'one');
  source.end('three');
  const rest: string[] = [];
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) rest.push(String(next.value));
  assert.deepEqual(rest, ['two', 'three']);
});

test('pauses the stream while a chunk waits to be taken, and resumes it once taken', async () => {
  const source = new PassThrough();
  const chunks = iterate(source);
  source.write('waiting');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(source.isPaused(), true);
  assert.equal(String((await chunks.next()).value), 'waiting');
  assert.equal(source.isPaused(), false);
});

test('a stream closed before its end fails the read', async () => {
  const source = new PassThrough();
  const chunks = iterate(source);
  const pending = chunks.next();
  source.destroy();
  await assert.rejects(pending, /closed the request stream before its end/);
});

test('a stream error fails the read with that error', async () => {
  const source = new PassThrough();
  const chunks = iterate(source);
  const pending = chunks.next();
  source.destroy(new Error('reset by the client'));
  await assert.rejects(pending, /reset by the client/);
});

test('return() stops listening and lets the rest of the stream flow away', async () => {
  const source = new PassThrough();
  const chunks = iterate(source);
  source.write('unread');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(await chunks.return?.(), { value: undefined, done: true });
  assert.equal(source.listenerCount('data'), 0);
  assert.equal(source.isPaused(), false);
});

test('a body read already is sent as it is', () => {
  const body = Buffer.from('read');
  assert.equal(grpcRequestBody(body), body);
  assert.equal(grpcRequestBody(null), null);
});
