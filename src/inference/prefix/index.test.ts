import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PrefixIndex } from './index.ts';

/** Block hashes are numbers; these tests name blocks instead, each name standing for its own number. */
const named = new Map<string, number>();
function blocks(...names: string[]): number[] {
  return names.map((name) => {
    let hash = named.get(name);
    if (hash === undefined) {
      hash = named.size + 1;
      named.set(name, hash);
    }
    return hash;
  });
}

describe('prefix index', () => {
  it('matches the leading blocks each endpoint holds, stopping at the first gap', () => {
    const index = new PrefixIndex();
    index.add('a', blocks('h1', 'h2', 'h3'));
    index.add('b', blocks('h1', 'h2'));
    index.add('c', blocks('h2', 'h3'));
    assert.deepEqual(
      Object.fromEntries(index.matchLengths(blocks('h1', 'h2', 'h3', 'h4'))),
      { a: 3, b: 2 },
      'c holds later blocks but not the first, which is no usable prefix',
    );
    assert.deepEqual(index.matchLengths(blocks('x1', 'h2')).size, 0, 'a miss on the first block');
  });

  it('evicts the least recently used blocks per endpoint, head of a chain last', () => {
    const index = new PrefixIndex(3);
    index.add('a', blocks('s1', 's2', 'q1'));
    index.add('a', blocks('s1', 's2', 'q2'));
    assert.equal(index.size('a'), 3);
    // q1 was least recently used (each add touches the tail first, the shared head last).
    assert.deepEqual(Object.fromEntries(index.matchLengths(blocks('s1', 's2', 'q1'))), { a: 2 });
    assert.deepEqual(Object.fromEntries(index.matchLengths(blocks('s1', 's2', 'q2'))), { a: 3 });
  });

  it('sizes an endpoint LRU from the engine block count when given', () => {
    const index = new PrefixIndex(100);
    index.add('a', blocks('1', '2', '3'), 2);
    assert.equal(index.size('a'), 2);
    assert.deepEqual(Object.fromEntries(index.matchLengths(blocks('1', '2', '3'))), { a: 2 });
  });

  it('stamps each block with the endpoint touch count, the head of a chain most recent', () => {
    const index = new PrefixIndex();
    assert.equal(index.add('a', blocks('h1', 'h2', 'h3')), 0);
    assert.deepEqual(index.stamps('a', blocks('h1', 'h2', 'h3', 'x')), [3, 2, 1, 0]);
    assert.equal(index.add('a', blocks('h1', 'q1')), 3, 'the count before this add');
    assert.deepEqual(index.stamps('a', blocks('h1', 'q1', 'h2')), [5, 4, 2]);
    assert.deepEqual(index.stamps('b', blocks('h1')), [0]);
  });

  it('forgets every block at least as old as one the engine lost, and keeps to what is left', () => {
    const index = new PrefixIndex(100);
    index.add('a', blocks('old1', 'old2')); // stamps 2, 1
    index.add('a', blocks('mid1', 'mid2')); // stamps 4, 3
    index.add('a', blocks('new1')); // stamp 5
    index.add('b', blocks('old1'));
    index.forgetThrough('a', 3, 1);
    assert.equal(index.size('a'), 2);
    assert.equal(index.capacity('a'), 2);
    assert.deepEqual(
      Object.fromEntries(index.matchLengths(blocks('old1'))),
      { b: 1 },
      'other endpoints keep theirs',
    );
    assert.deepEqual(Object.fromEntries(index.matchLengths(blocks('mid1'))), { a: 1 });
    index.add('a', blocks('x1', 'x2'));
    assert.equal(index.size('a'), 2, 'the lowered bound evicts as the engine would');
    assert.deepEqual(index.matchLengths(blocks('mid1')).size, 0);
  });

  it('never lowers the bound below the floor, and grows it back no higher than configured', () => {
    const index = new PrefixIndex(10);
    index.add('a', blocks('1', '2', '3'));
    index.forgetThrough('a', 3, 4);
    assert.equal(index.size('a'), 0);
    assert.equal(index.capacity('a'), 4);
    index.grow('a', 3);
    assert.equal(index.capacity('a'), 7);
    index.grow('a', 30);
    assert.equal(index.capacity('a'), 10);
    index.forgetThrough('unknown', 1);
    assert.equal(index.capacity('unknown'), undefined);
  });

  it('forgets an endpoint that leaves', () => {
    const index = new PrefixIndex();
    index.add('a', blocks('h1'));
    index.add('b', blocks('h1'));
    index.removeEndpoint('a');
    assert.deepEqual(Object.fromEntries(index.matchLengths(blocks('h1'))), { b: 1 });
    assert.equal(index.size(), 1);
  });
});
