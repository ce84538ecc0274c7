import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { absent, BlockTable } from './block-table.ts';

describe('block table', () => {
  it('stores, replaces and deletes values', () => {
    const table = new BlockTable(16);
    table.set(7, 1);
    table.set(9, 2);
    table.set(7, 3);
    assert.equal(table.get(7), 3);
    assert.equal(table.get(9), 2);
    assert.equal(table.get(8), absent);
    assert.equal(table.size, 2);
    table.delete(7);
    table.delete(8);
    assert.equal(table.get(7), absent);
    assert.equal(table.size, 1);
  });

  it('agrees with a Map through growth and long runs of insertions and deletions', () => {
    // A small table, so probe runs collide, wrap around its end and are shifted back on deletion.
    const table = new BlockTable(16);
    const reference = new Map<number, number>();
    let seed = 5;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let step = 0; step < 20_000; step++) {
      // Keys from a small range, half of them multiples of 64, so homes collide often.
      const key = random(2) === 0 ? random(300) : random(300) * 64;
      if (random(3) === 0) {
        table.delete(key);
        reference.delete(key);
      } else {
        table.set(key, step);
        reference.set(key, step);
      }
      if (step % 997 === 0)
        for (let probe = 0; probe < 300 * 64; probe++)
          assert.equal(table.get(probe), reference.get(probe) ?? absent, `key ${probe} at step ${step}`);
    }
    assert.equal(table.size, reference.size);
    for (const [key, value] of reference) assert.equal(table.get(key), value);
  });
});
