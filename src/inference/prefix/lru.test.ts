import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlockLru } from './lru.ts';

/** The blocks from the oldest, by dropping them all. */
function drain(lru: BlockLru, blocks: readonly number[]): number[] {
  const order: number[] = [];
  while (lru.size > 0) {
    const stamp = lru.oldestStamp();
    order.push(blocks.find((block) => lru.stamp(block) === stamp) ?? Number.NaN);
    lru.dropOldest();
  }
  return order;
}

describe('block LRU', () => {
  it('keeps blocks from the least to the most recently touched, with their stamps', () => {
    const lru = new BlockLru();
    lru.touch(1, 1);
    lru.touch(2, 2);
    lru.touch(3, 3);
    lru.touch(1, 4);
    lru.touch(3, 5);
    assert.equal(lru.size, 3);
    assert.equal(lru.stamp(1), 4);
    assert.equal(lru.stamp(9), undefined);
    assert.equal(lru.oldestStamp(), 2);
    assert.deepEqual(drain(lru, [1, 2, 3]), [2, 1, 3]);
    assert.equal(lru.oldestStamp(), undefined);
    lru.dropOldest();
    assert.equal(lru.size, 0, 'dropping from an empty LRU does nothing');
  });

  it('reuses the slots of dropped blocks and grows past its first arrays', () => {
    const lru = new BlockLru();
    const blocks = Array.from({ length: 3000 }, (_, i) => i * 7);
    for (const [i, block] of blocks.entries()) lru.touch(block, i + 1);
    for (let i = 0; i < 1000; i++) lru.dropOldest();
    assert.equal(lru.has(blocks[999]), false);
    assert.equal(lru.has(blocks[1000]), true);
    const more = Array.from({ length: 500 }, (_, i) => 100_000 + i);
    for (const [i, block] of more.entries()) lru.touch(block, 5000 + i);
    lru.touch(blocks[1000], 9000);
    assert.equal(lru.size, 2500);
    const order = drain(lru, [...blocks, ...more]);
    assert.deepEqual(order.slice(0, 2), [blocks[1001], blocks[1002]]);
    assert.deepEqual(order.slice(-2), [more[499], blocks[1000]]);
  });
});

describe('block LRU: touching a chain', () => {
  /** Touches `chain` with touchChain in one LRU and block by block in the other; both must agree. */
  function both(chain: number[], pair: [BlockLru, BlockLru], stamp: { next: number }) {
    const [fast, reference] = pair;
    const previous: number[] = [];
    fast.touchChain(chain, stamp.next, previous);
    const expected: number[] = [];
    for (let i = chain.length - 1; i >= 0; i--)
      expected[i] = reference.touch(chain[i], stamp.next + chain.length - i);
    stamp.next += chain.length;
    assert.deepEqual(previous, expected);
  }

  it('gives the same order, stamps and previous stamps as touching each block, tail first', () => {
    // Chains that share heads of various lengths, revisited in a shuffled order, with evictions between.
    let seed = 1;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const chains = Array.from({ length: 40 }, (_, c) => {
      const shared = random(3) === 0 ? 0 : (c % 5) + 1;
      return Array.from({ length: 6 + random(6) }, (_, i) =>
        i < shared ? 1000 * (c % 4) + i : 100_000 * c + i,
      );
    });
    const pair: [BlockLru, BlockLru] = [new BlockLru(), new BlockLru()];
    const stamp = { next: 0 };
    for (let step = 0; step < 400; step++) {
      both(chains[random(chains.length)], pair, stamp);
      if (step % 7 === 0) for (const lru of pair) for (let i = 0; i < 3; i++) lru.dropOldest();
    }
    both([], pair, stamp);
    const all = [...new Set(chains.flat())];
    assert.equal(pair[0].size, pair[1].size);
    assert.deepEqual(drain(pair[0], all), drain(pair[1], all));
  });
});
