import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PrefixIndex } from './index.ts';

describe('prefix index', () => {
  it('matches the leading blocks each endpoint holds, stopping at the first gap', () => {
    const index = new PrefixIndex();
    index.add('a', ['h1', 'h2', 'h3']);
    index.add('b', ['h1', 'h2']);
    index.add('c', ['h2', 'h3']);
    assert.deepEqual(
      Object.fromEntries(index.matchLengths(['h1', 'h2', 'h3', 'h4'])),
      { a: 3, b: 2 },
      'c holds later blocks but not the first, which is no usable prefix',
    );
    assert.deepEqual(index.matchLengths(['x1', 'h2']).size, 0, 'a miss on the first block');
  });

  it('evicts the least recently used blocks per endpoint, head of a chain last', () => {
    const index = new PrefixIndex(3);
    index.add('a', ['s1', 's2', 'q1']);
    index.add('a', ['s1', 's2', 'q2']);
    assert.equal(index.size('a'), 3);
    // q1 was least recently used (each add touches the tail first, the shared head last).
    assert.deepEqual(Object.fromEntries(index.matchLengths(['s1', 's2', 'q1'])), { a: 2 });
    assert.deepEqual(Object.fromEntries(index.matchLengths(['s1', 's2', 'q2'])), { a: 3 });
  });

  it('sizes an endpoint LRU from the engine block count when given', () => {
    const index = new PrefixIndex(100);
    index.add('a', ['1', '2', '3'], 2);
    assert.equal(index.size('a'), 2);
    assert.deepEqual(Object.fromEntries(index.matchLengths(['1', '2', '3'])), { a: 2 });
  });

  it('forgets an endpoint that leaves', () => {
    const index = new PrefixIndex();
    index.add('a', ['h1']);
    index.add('b', ['h1']);
    index.removeEndpoint('a');
    assert.deepEqual(Object.fromEntries(index.matchLengths(['h1'])), { b: 1 });
    assert.equal(index.size(), 1);
  });
});
