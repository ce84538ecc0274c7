// Response taps: usage read from JSON bodies and SSE streams, model names turned back, bytes kept.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { responseTap, usageInTail } from './response.ts';
import { modelRenamer } from './rewrite.ts';

/** Feeds `text` to a tap in pieces of `size` bytes, returns what the client would get. */
function through(tap: NonNullable<ReturnType<typeof responseTap>>, text: string, size: number): string {
  const bytes = Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    const sent = tap.write(bytes.subarray(i, i + size));
    if (sent !== null) out.push(sent);
  }
  const rest = tap.end();
  if (rest !== null) out.push(rest);
  return Buffer.concat(out).toString();
}

const chunk = (fields: object) => `data: ${JSON.stringify({ model: 'llama-v2', ...fields })}\n\n`;
const stream =
  chunk({ choices: [{ delta: { content: 'Grüße' } }], usage: null }) +
  chunk({ choices: [{ delta: { content: ' "model": "llama-v2"' } }], usage: null }) +
  chunk({
    choices: [],
    usage: {
      prompt_tokens: 12,
      completion_tokens: 2,
      total_tokens: 14,
      prompt_tokens_details: { cached_tokens: 8 },
    },
  }) +
  'data: [DONE]\n\n';

describe('event streams', () => {
  test('pass byte for byte without a rename, the usage chunk read on the way', () => {
    for (const size of [1, 7, 64, stream.length]) {
      const tap = responseTap('text/event-stream; charset=utf-8', undefined, null);
      assert.ok(tap);
      assert.equal(tap.changesLength, false);
      assert.equal(through(tap, stream, size), stream);
      assert.deepEqual(tap.usage, { promptTokens: 12, completionTokens: 2, cachedTokens: 8 });
    }
  });

  test('turn the target model back into the requested one, however the chunks are cut', () => {
    for (const size of [1, 5, 100]) {
      const tap = responseTap('text/event-stream', undefined, modelRenamer('llama-v2', 'llama'));
      assert.ok(tap);
      assert.equal(tap.changesLength, true);
      const out = through(tap, stream, size);
      assert.equal(out.match(/"model":"llama"/g)?.length, 3);
      // Generated text that looks like the field is escaped JSON, so it stays as it was.
      assert.match(out, /\\"model\\": \\"llama-v2\\"/);
      assert.match(out, /Grüße/);
      assert.deepEqual(tap.usage, { promptTokens: 12, completionTokens: 2, cachedTokens: 8 });
    }
  });

  test('a last line without its newline still goes out', () => {
    const tap = responseTap('text/event-stream', undefined, modelRenamer('a', 'b'));
    assert.ok(tap);
    assert.equal(through(tap, 'data: {"model":"a"}', 4), 'data: {"model":"b"}');
  });
});

describe('JSON bodies', () => {
  const body = JSON.stringify({
    id: 'cmpl-1',
    model: 'llama-v2',
    choices: [{ text: 'the "usage": {"prompt_tokens": 99} is not here' }],
    usage: { prompt_tokens: 5, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 0 } },
  });

  test('pass as they come while the usage is read at the end', () => {
    const tap = responseTap('application/json', 'identity', null);
    assert.ok(tap);
    assert.equal(through(tap, body, 9), body);
    assert.deepEqual(tap.usage, { promptTokens: 5, completionTokens: 7, cachedTokens: 0 });
  });

  test('are held and renamed under a rewrite', () => {
    const tap = responseTap('application/json', undefined, modelRenamer('llama-v2', 'llama'));
    assert.ok(tap);
    const out = JSON.parse(through(tap, body, 9));
    assert.equal(out.model, 'llama');
    assert.equal(out.usage.completion_tokens, 7);
  });

  test('compressed bodies and other media types are not read', () => {
    assert.equal(responseTap('application/json', 'gzip', null), null);
    assert.equal(responseTap('text/plain', undefined, null), null);
    assert.equal(responseTap(undefined, undefined, null), null);
  });
});

describe('usage in the tail of a body', () => {
  test('responses-API names, nested objects, text after it', () => {
    assert.deepEqual(
      usageInTail(
        '..."usage" : {"input_tokens":3,"output_tokens":4,"input_tokens_details":{"cached_tokens":2}},"z":1}',
      ),
      { promptTokens: 3, completionTokens: 4, cachedTokens: 2 },
    );
    assert.deepEqual(usageInTail('{"usage":{"prompt_tokens":3,"prompt_tokens_details":null}}'), {
      promptTokens: 3,
      completionTokens: undefined,
      cachedTokens: undefined,
    });
  });

  test('absent, null or cut off: none', () => {
    assert.equal(usageInTail('{"a":1}'), undefined);
    assert.equal(usageInTail('{"usage":null}'), undefined);
    assert.equal(usageInTail('{"usage":{"prompt_tokens":3'), undefined);
  });
});
