import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeChat } from '../sim/tokenizer.ts';
import { prefixHitBound } from './hit-bound.ts';
import { streamFor, words } from './text.ts';

const system = words(streamFor(1, 'system'), 320);

function chat(question: string, history: { role: 'user' | 'assistant'; content: string }[] = []) {
  return {
    api: 'chat' as const,
    model: 'm',
    messages: [
      { role: 'system' as const, content: system },
      ...history,
      { role: 'user' as const, content: question },
    ],
    outputTokens: 8,
  };
}

describe('prefix-cache hit bound', () => {
  it('is zero when nothing repeats, and counts only full blocks of a shared prefix', () => {
    const distinct = [1, 2, 3].map((n) => ({
      call: { api: 'completion' as const, model: 'm', prompt: words(streamFor(n), 100), outputTokens: 1 },
      answer: '',
    }));
    assert.equal(prefixHitBound(distinct, new Set(), 16), 0);
    const shared = [chat('first question'), chat('second question')].map((call) => ({ call, answer: '' }));
    const tokens = shared.map(({ call }) => encodeChat(call.messages).length);
    const bound = prefixHitBound(shared, new Set(), 16);
    assert.ok(bound > 0 && bound < tokens[1] / (tokens[0] + tokens[1]));
  });

  it('lets the next turn hit the answer the previous turn generated', () => {
    const answer = words(streamFor(2, 'answer'), 64);
    const turns = [
      { call: chat('hello'), answer },
      {
        call: chat('and then?', [
          { role: 'user', content: 'hello' },
          { role: 'assistant', content: answer },
        ]),
        answer: '',
      },
    ];
    const withAnswer = prefixHitBound(turns, new Set(), 16);
    const withoutAnswer = prefixHitBound(
      turns.map((turn) => ({ ...turn, answer: '' })),
      new Set(),
      16,
    );
    assert.ok(withAnswer > withoutAnswer);
  });

  it('never shares blocks between an adapter and the base model', () => {
    const prompt = words(streamFor(3), 200);
    const requests = ['m', 'adapter'].map((model) => ({
      call: { api: 'completion' as const, model, prompt, outputTokens: 1 },
      answer: '',
    }));
    assert.equal(prefixHitBound(requests, new Set(['adapter']), 16), 0);
    assert.ok(prefixHitBound(requests, new Set(), 16) > 0);
  });
});
