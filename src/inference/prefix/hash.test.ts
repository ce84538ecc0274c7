import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prefixBlockHashes } from './hash.ts';

const options = { blockChars: 8, maxBlocks: 4 };

describe('prefix block hashes', () => {
  it('chains blocks: equal hashes at i mean equal text up to block i', () => {
    const a = prefixBlockHashes('abcdefgh12345678XXXX', 'm', options);
    const b = prefixBlockHashes('abcdefgh12345678YYYY', 'm', options);
    const c = prefixBlockHashes('zbcdefgh12345678XXXX', 'm', options);
    assert.equal(a.length, 3, 'two full blocks and the partial tail');
    assert.deepEqual(a.slice(0, 2), b.slice(0, 2));
    assert.notEqual(a[2], b[2]);
    assert.notEqual(a[1], c[1], 'a different first block changes every later hash');
  });

  it('seeds the chain with the model and cache salt', () => {
    const text = 'abcdefgh12345678';
    assert.notDeepEqual(prefixBlockHashes(text, 'base', options), prefixBlockHashes(text, 'lora-a', options));
    assert.notDeepEqual(
      prefixBlockHashes(text, 'm', options, 's1'),
      prefixBlockHashes(text, 'm', options, 's2'),
    );
  });

  it('ignores texts shorter than a block and truncates long ones at maxBlocks', () => {
    assert.deepEqual(prefixBlockHashes('short', 'm', options), []);
    const long = prefixBlockHashes('x'.repeat(100), 'm', options);
    assert.equal(long.length, 4);
    assert.deepEqual(long, prefixBlockHashes(`${'x'.repeat(32)}different tail`, 'm', options));
  });
});
