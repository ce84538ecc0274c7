import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SluiceError } from '../errors.ts';
import { ManualClock } from './clock.ts';
import { Engine, type EngineConfig, type EngineObserver, type StepReport } from './engine.ts';
import type { FinishReason, RequestOutcome, RequestSpec } from './request.ts';

// One simulated ms per step plus one per token makes every step's duration easy to read off.
const unitCosts = {
  stepOverheadMs: 1,
  weightsReadMs: 0,
  tokenComputeMs: 1,
  attentionPairMs: 0,
  kvReadMs: 0,
  sequenceMs: 0,
  loraLoadMs: 50,
};

function config(overrides: Partial<EngineConfig> = {}): EngineConfig {
  return {
    numGpuBlocks: 65,
    blockSize: 4,
    maxNumSeqs: 8,
    maxNumBatchedTokens: 8,
    maxModelLen: 256,
    maxLoras: 1,
    costs: unitCosts,
    enablePrefixCaching: true,
    maxWaiting: 100,
    ...overrides,
  };
}

interface Trace {
  tokens: number[];
  outcome?: RequestOutcome;
  finishedAt?: number;
}

class Recorder implements EngineObserver {
  steps: StepReport[] = [];
  finished: FinishReason[] = [];
  onStep(report: StepReport): void {
    this.steps.push(report);
  }
  onFirstToken(): void {}
  onToken(): void {}
  onFinish(_request: unknown, reason: FinishReason): void {
    this.finished.push(reason);
  }
}

function setup(overrides: Partial<EngineConfig> = {}) {
  const clock = new ManualClock();
  const recorder = new Recorder();
  const engine = new Engine(config(overrides), clock, recorder);
  const submit = (prompt: number[], output: number, extra: Partial<RequestSpec> = {}) => {
    const trace: Trace = { tokens: [] };
    const request = engine.submit({
      promptTokens: prompt,
      output: Array.from({ length: output }, (_, i) => 500 + i),
      maxTokens: 100,
      pooling: false,
      arrivalMs: clock.now(),
      events: {
        onToken: (_token, now) => trace.tokens.push(now),
        onFinish: (outcome, now) => {
          trace.outcome = outcome;
          trace.finishedAt = now;
        },
      },
      ...extra,
    });
    return { trace, request };
  };
  return { clock, recorder, engine, submit };
}

const prompt = (start: number, count: number) => Array.from({ length: count }, (_, i) => start + i);

describe('engine steps', () => {
  it('chunks a prefill by the token budget, then decodes one token per step', () => {
    const { clock, submit, recorder } = setup();
    const { trace } = submit(prompt(0, 20), 3);
    clock.runUntilIdle();
    // Prefill 8 + 8 + 4 tokens (9 + 9 + 5 ms); the third step yields the first token, two decodes follow.
    assert.deepEqual(
      recorder.steps.map((step) => step.scheduledTokens),
      [8, 8, 4, 1, 1],
    );
    assert.deepEqual(trace.tokens, [23, 25, 27]);
    assert.deepEqual(trace.outcome, { reason: 'stop', promptTokens: 20, outputTokens: 3, cachedTokens: 0 });
  });

  it('runs decodes and a prefill chunk in the same step', () => {
    const { clock, submit, recorder } = setup();
    submit(prompt(0, 4), 5);
    clock.advance(5); // the 4-token prefill step ends at 5 and gives the first token
    submit(prompt(100, 20), 1);
    clock.runUntilIdle();
    assert.deepEqual(
      recorder.steps.slice(0, 4).map((step) => step.scheduledTokens),
      [4, 1, 8, 8],
      'the second request waits for the step in flight, then shares steps with the decode (1 + 7)',
    );
  });

  it('ends with length when max_tokens is reached', () => {
    const { clock, submit } = setup();
    const { trace } = submit(prompt(0, 4), 10, { maxTokens: 2 });
    clock.runUntilIdle();
    assert.equal(trace.outcome?.reason, 'length');
    assert.equal(trace.outcome?.outputTokens, 2);
  });

  it('admits no more than max_num_seqs requests', () => {
    const { clock, submit, engine } = setup({ maxNumSeqs: 2 });
    submit(prompt(0, 4), 3);
    submit(prompt(100, 4), 3);
    const third = submit(prompt(200, 4), 3);
    clock.advance(0);
    assert.equal(engine.scheduler.running.length, 2);
    assert.equal(engine.scheduler.waiting.length, 1);
    clock.runUntilIdle();
    assert.equal(third.trace.outcome?.reason, 'stop');
  });

  it('reports prefix-cache queries and hits in tokens', () => {
    const { clock, submit, recorder } = setup();
    submit(prompt(0, 8), 1);
    clock.runUntilIdle();
    const second = submit([...prompt(0, 8), 77, 78], 1);
    clock.runUntilIdle();
    const queries = recorder.steps.reduce((sum, step) => sum + step.prefixQueries, 0);
    const hits = recorder.steps.reduce((sum, step) => sum + step.prefixHits, 0);
    assert.equal(queries, 18);
    assert.equal(hits, 8);
    assert.equal(second.trace.outcome?.cachedTokens, 8);
  });
});

describe('preemption', () => {
  it('preempts the newest running request when blocks run out and resumes it later', () => {
    // 6 usable blocks of 4 tokens: two 8-token prompts take 4; their decodes outgrow the rest.
    const { clock, submit, recorder, engine } = setup({
      numGpuBlocks: 7,
      maxModelLen: 24,
      maxNumBatchedTokens: 16,
    });
    const first = submit(prompt(0, 8), 8);
    const second = submit(prompt(100, 8), 8);
    clock.runUntilIdle();
    const preemptions = recorder.steps.reduce((sum, step) => sum + step.preemptions, 0);
    assert.ok(preemptions >= 1);
    assert.equal(first.trace.outcome?.outputTokens, 8);
    assert.equal(second.trace.outcome?.outputTokens, 8);
    assert.ok(
      (second.trace.finishedAt ?? 0) > (first.trace.finishedAt ?? 0),
      'the older request keeps running',
    );
    assert.equal(engine.kvUsage, 0);
  });
});

describe('LoRA slots', () => {
  it('makes a request for a second adapter wait while max_loras adapters run', () => {
    const { clock, submit, engine, recorder } = setup();
    const sql = submit(prompt(0, 4), 3, { lora: 'sql' });
    const chat = submit(prompt(100, 4), 3, { lora: 'chat' });
    clock.advance(0);
    assert.deepEqual(
      engine.scheduler.running.map((request) => request.spec.lora),
      ['sql'],
    );
    assert.deepEqual(
      engine.scheduler.waiting.map((request) => request.spec.lora),
      ['chat'],
    );
    clock.runUntilIdle();
    assert.ok((chat.trace.tokens[0] ?? 0) > (sql.trace.finishedAt ?? Number.POSITIVE_INFINITY) - 1);
    // Each adapter was loaded once: the first step pays 50 ms for sql, the first chat step for chat.
    assert.equal(recorder.steps.filter((step) => step.durationMs >= 50).length, 2);
  });

  it('lets requests of a resident adapter join the batch', () => {
    const { clock, submit, engine } = setup();
    submit(prompt(0, 4), 3, { lora: 'sql' });
    submit(prompt(100, 4), 3, { lora: 'sql' });
    clock.advance(0);
    assert.equal(engine.scheduler.running.length, 2);
  });
});

describe('admission', () => {
  it('refuses a request with 429 when the waiting queue is full', () => {
    const { submit } = setup({ maxWaiting: 2 });
    submit(prompt(0, 4), 1);
    submit(prompt(10, 4), 1);
    assert.throws(
      () => submit(prompt(20, 4), 1),
      (error: unknown) =>
        error instanceof SluiceError && error.status === 429 && error.code === 'sim_queue_full',
    );
  });

  it('frees an aborted request at once and counts it as aborted', () => {
    const { clock, submit, engine, recorder } = setup();
    const { request, trace } = submit(prompt(0, 16), 50);
    clock.advance(30);
    engine.abort(request);
    assert.equal(engine.kvUsage, 0);
    clock.runUntilIdle();
    assert.equal(trace.outcome, undefined);
    assert.deepEqual(recorder.finished, ['abort']);
  });

  it('refuses a configuration whose KV cache cannot hold one max-length sequence', () => {
    assert.throws(() => setup({ numGpuBlocks: 10, maxModelLen: 256 }), /exceeds the 36 tokens/);
  });
});
