import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlockPool } from './block-pool.ts';
import { KvCacheManager } from './kv-cache.ts';
import { type RequestSpec, SimRequest } from './request.ts';

const ignore = { onToken: () => {}, onFinish: () => {} };

function request(id: number, tokens: number[], extra: Partial<RequestSpec> = {}): SimRequest {
  const spec: RequestSpec = {
    promptTokens: tokens,
    output: [1],
    maxTokens: 1,
    pooling: false,
    arrivalMs: 0,
    events: ignore,
  };
  return new SimRequest(id, { ...spec, ...extra }, 0);
}

function range(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i);
}

/** Admits `req` the way the scheduler does: look up its prefix, allocate the rest, count it computed. */
function admit(kv: KvCacheManager, req: SimRequest): number {
  const hit = kv.findCachedPrefix(req);
  assert.ok(kv.allocate(req, req.tokens.length - hit.tokens, hit));
  req.numComputed = req.tokens.length;
  return hit.tokens;
}

describe('block pool', () => {
  it('reserves the null block and measures usage over the rest', () => {
    const pool = new BlockPool(11);
    assert.equal(pool.numFreeBlocks, 10);
    pool.allocate(4);
    assert.equal(pool.usage, 0.4);
  });

  it('hands out the least recently freed blocks first and evicts their hashes', () => {
    const pool = new BlockPool(4);
    const [a, b, c] = pool.allocate(3);
    pool.cache(a, 'A');
    pool.cache(b, 'B');
    pool.release([b, a, c]);
    assert.equal(pool.usage, 0);
    assert.equal(pool.cachedBlock('A'), a);
    const [first] = pool.allocate(1);
    assert.equal(first, b, 'b was freed first, so it is reused first');
    assert.equal(pool.cachedBlock('B'), undefined);
    assert.equal(pool.cachedBlock('A'), a);
  });
});

describe('prefix cache', () => {
  it('hits the full blocks of an equal prefix and never the last prompt token', () => {
    const kv = new KvCacheManager(new BlockPool(64), 16, true);
    const first = request(1, range(0, 40));
    assert.equal(admit(kv, first), 0);
    kv.free(first);

    const sameStart = request(2, [...range(0, 36), 900, 901]);
    assert.equal(admit(kv, sameStart), 32, 'two full blocks are shared');

    const exact = request(3, range(0, 32));
    assert.equal(admit(kv, exact), 16, 'a fully cached prompt recomputes its last block');
  });

  it('keeps adapters and cache salts apart', () => {
    const kv = new KvCacheManager(new BlockPool(64), 16, true);
    admit(kv, request(1, range(0, 48)));
    assert.equal(admit(kv, request(2, range(0, 48), { lora: 'sql' })), 0);
    assert.equal(admit(kv, request(3, range(0, 48), { cacheSalt: 'tenant-a' })), 0);
    assert.equal(admit(kv, request(4, range(0, 48))), 32);
  });

  it('counts referenced blocks only, so a cached prefix does not fill the cache', () => {
    const kv = new KvCacheManager(new BlockPool(11), 16, true);
    const req = request(1, range(0, 64));
    admit(kv, req);
    assert.equal(kv.pool.usage, 0.4);
    kv.free(req);
    assert.equal(kv.pool.usage, 0);
    assert.equal(kv.pool.numCachedBlocks, 4);
  });

  it('evicts the least recently used unreferenced blocks, the suffix before the prefix', () => {
    const kv = new KvCacheManager(new BlockPool(7), 16, true);
    const a = request(1, range(0, 64));
    admit(kv, a);
    kv.free(a);
    const b = request(2, range(1000, 32));
    admit(kv, b);
    kv.free(b);
    // 6 usable blocks: a's 4 were freed tail first, then b's 2; a new 48-token prompt takes 3 blocks,
    // evicting a's last three blocks and keeping its first.
    const c = request(3, range(5000, 48));
    admit(kv, c);
    kv.free(c);
    assert.equal(admit(kv, request(4, range(0, 64))), 16);
  });

  it('refuses an allocation that does not fit and changes nothing', () => {
    const kv = new KvCacheManager(new BlockPool(4), 16, true);
    const req = request(1, range(0, 64));
    assert.equal(kv.allocate(req, 64), false);
    assert.equal(kv.pool.numFreeBlocks, 3);
    assert.deepEqual(req.blocks, []);
  });

  it('does nothing with hashes when caching is off', () => {
    const kv = new KvCacheManager(new BlockPool(64), 16, false);
    admit(kv, request(1, range(0, 48)));
    assert.equal(admit(kv, request(2, range(0, 48))), 0);
    assert.equal(kv.pool.numCachedBlocks, 0);
  });
});
