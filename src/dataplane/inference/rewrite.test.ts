// Model rewrite rules: which rule applies, how targets are weighted, and the request body rewrite.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileRewrites, rewriteBodyModel, rewriteTarget } from './rewrite.ts';

describe('model rewrites', () => {
  test('a rule naming the model beats a catch-all; otherwise the first rule wins', () => {
    const rewrites = compileRewrites([
      { models: [], targets: [{ model: 'base', weight: 1 }] },
      { models: ['chat'], targets: [{ model: 'chat-v2', weight: 1 }] },
      { models: ['chat', 'other'], targets: [{ model: 'never', weight: 1 }] },
      { models: [], targets: [{ model: 'never', weight: 1 }] },
    ]);
    assert.equal(rewriteTarget(rewrites, 'chat'), 'chat-v2');
    assert.equal(rewriteTarget(rewrites, 'other'), 'never');
    assert.equal(rewriteTarget(rewrites, 'anything'), 'base');
    assert.equal(rewriteTarget(compileRewrites([]), 'chat'), undefined);
  });

  test('targets are chosen by weight; a zero weight is never chosen unless all are zero', () => {
    const weighted = compileRewrites([
      {
        models: ['m'],
        targets: [
          { model: 'a', weight: 0 },
          { model: 'b', weight: 5 },
        ],
      },
    ]);
    for (let i = 0; i < 20; i++) assert.equal(rewriteTarget(weighted, 'm'), 'b');
    const even = compileRewrites([
      {
        models: ['m'],
        targets: [
          { model: 'a', weight: 0 },
          { model: 'b', weight: 0 },
        ],
      },
    ]);
    const seen = new Set<string | undefined>();
    for (let i = 0; i < 200; i++) seen.add(rewriteTarget(even, 'm'));
    assert.deepEqual(seen, new Set(['a', 'b']));
  });

  test('the body keeps every field but the model', () => {
    const body = rewriteBodyModel(
      { model: 'chat', messages: [{ role: 'user', content: 'hi' }], stream: true },
      'x',
    );
    assert.deepEqual(JSON.parse(body.toString()), {
      model: 'x',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
  });
});
