import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from './random.ts';
import { decodeTokens, encodeChat, encodeText, generateOutput } from './tokenizer.ts';

describe('tokenizer', () => {
  it('re-encodes generated answers to the ids that were generated', () => {
    const ids = generateOutput(300, new SeededRandom(11));
    assert.equal(ids.length, 300);
    assert.deepEqual(encodeText(decodeTokens(ids)), ids);
  });

  it('generates the same answer for the same seed', () => {
    assert.deepEqual(generateOutput(50, new SeededRandom(3)), generateOutput(50, new SeededRandom(3)));
  });

  it('renders chats so that a conversation shares its earlier turns as a token prefix', () => {
    const first = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'What is a KV cache?' },
    ];
    const answer = decodeTokens(generateOutput(20, new SeededRandom(1)));
    const second = [
      ...first,
      { role: 'assistant', content: answer },
      { role: 'user', content: 'And a block?' },
    ];
    const firstIds = encodeChat(first);
    const secondIds = encodeChat(second);
    assert.deepEqual(secondIds.slice(0, firstIds.length), firstIds);
  });

  it('counts English at roughly four characters a token', () => {
    const text = 'Prefix caching lets requests that share a system prompt skip its prefill entirely. '.repeat(
      10,
    );
    const ratio = text.length / encodeText(text).length;
    assert.ok(ratio > 3 && ratio < 6, `chars per token ${ratio}`);
  });
});
