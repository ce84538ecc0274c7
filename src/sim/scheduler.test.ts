import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlockPool } from './block-pool.ts';
import { KvCacheManager } from './kv-cache.ts';
import { type RequestSpec, SimRequest } from './request.ts';
import { Scheduler, type SchedulerConfig } from './scheduler.ts';

const ignore = { onToken: () => {}, onFinish: () => {} };
let nextId = 1;

function request(promptLength: number, lora?: string): SimRequest {
  const spec: RequestSpec = {
    promptTokens: Array.from({ length: promptLength }, (_, i) => nextId * 1000 + i),
    output: [1, 2, 3],
    maxTokens: 3,
    pooling: false,
    lora,
    arrivalMs: 0,
    events: ignore,
  };
  return new SimRequest(nextId++, spec, 0);
}

function scheduler(config: Partial<SchedulerConfig> = {}, blocks = 65): Scheduler {
  const kv = new KvCacheManager(new BlockPool(blocks), 4, true);
  return new Scheduler({ maxNumSeqs: 8, maxNumBatchedTokens: 16, maxLoras: 1, ...config }, kv);
}

const summary = (s: Scheduler, nowMs = 0) =>
  s
    .schedule(nowMs)
    .chunks.map((chunk) => [chunk.request.id, chunk.numTokens, chunk.startPosition, chunk.decode]);

describe('scheduler', () => {
  it('splits the token budget over waiting requests in arrival order, chunking the last', () => {
    const s = scheduler();
    const a = request(10);
    const b = request(10);
    s.add(a);
    s.add(b);
    assert.deepEqual(summary(s), [
      [a.id, 10, 0, false],
      [b.id, 6, 0, false],
    ]);
    a.tokens.push(1); // the step produced a's first token
    a.numOutput = 1;
    assert.deepEqual(
      summary(s),
      [
        [a.id, 1, 10, true],
        [b.id, 4, 6, false],
      ],
      'a decodes while b finishes its prefill from where it stopped',
    );
  });

  it('schedules decodes of running requests before admitting new ones', () => {
    const s = scheduler();
    const a = request(4);
    s.add(a);
    s.schedule(0);
    a.tokens.push(1); // the step produced a's first token
    a.numOutput = 1;
    const b = request(40);
    s.add(b);
    assert.deepEqual(summary(s), [
      [a.id, 1, 4, true],
      [b.id, 15, 0, false],
    ]);
  });

  it('keeps a request whose adapter does not fit max_loras at the head, behind nothing', () => {
    const s = scheduler();
    const sql = request(4, 'sql');
    const chat = request(4, 'chat');
    const base = request(4);
    for (const r of [sql, chat, base]) s.add(r);
    assert.deepEqual(
      summary(s).map(([id]) => id),
      [sql.id, base.id],
    );
    assert.deepEqual(
      s.waiting.map((r) => r.id),
      [chat.id],
    );
  });

  it('admits nothing in a step that had to preempt', () => {
    // 4 usable blocks of 4 tokens: two running 8-token requests fill them; a decode needs a fifth.
    const s = scheduler({}, 5);
    const a = request(8);
    const b = request(8);
    s.add(a);
    s.add(b);
    s.schedule(0);
    for (const r of [a, b]) {
      r.tokens.push(1);
      r.numOutput = 1;
    }
    const c = request(2);
    s.add(c);
    const plan = s.schedule(1);
    assert.deepEqual(
      plan.preempted.map((r) => r.id),
      [b.id],
    );
    assert.deepEqual(
      plan.chunks.map((chunk) => chunk.request.id),
      [a.id],
    );
    assert.deepEqual(
      s.waiting.map((r) => r.id),
      [b.id, c.id],
      'the preempted request goes back to the head of the queue',
    );
    assert.equal(b.numComputed, 0);
  });

  it('stamps the first scheduling time once', () => {
    const s = scheduler({ maxNumBatchedTokens: 4 });
    const a = request(8);
    s.add(a);
    s.schedule(5);
    s.schedule(9);
    assert.equal(a.scheduledMs, 5);
  });
});
