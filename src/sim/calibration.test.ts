// Recomputes the published figures the profiles are calibrated to (docs/simulator.md, "Calibration"),
// on the manual clock: the numbers are simulated milliseconds, not wall time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from './clock.ts';
import { Engine } from './engine.ts';
import { profiles } from './profiles.ts';

const quiet = { onStep: () => {}, onFirstToken: () => {}, onToken: () => {}, onFinish: () => {} };

function engineFor(profileName: string) {
  const profile = profiles[profileName];
  const clock = new ManualClock();
  const engine = new Engine(
    { ...profile.limits, costs: profile.costs, enablePrefixCaching: true, maxWaiting: 10_000 },
    clock,
    quiet,
  );
  return { clock, engine };
}

const tokens = (start: number, count: number) => Array.from({ length: count }, (_, i) => start + i);

/** Submits a request and returns the times (simulated ms) of its tokens as they are produced. */
function submit(engine: Engine, clock: ManualClock, prompt: number[], outputTokens: number): number[] {
  const times: number[] = [];
  engine.submit({
    promptTokens: prompt,
    output: tokens(1, outputTokens),
    maxTokens: outputTokens,
    pooling: false,
    arrivalMs: clock.now(),
    events: { onToken: (_token, now) => times.push(now), onFinish: () => {} },
  });
  return times;
}

function within(actual: number, low: number, high: number, what: string): void {
  assert.ok(actual >= low && actual <= high, `${what}: ${actual.toFixed(1)} ms is outside [${low}, ${high}]`);
}

describe('llama-3.1-8b-h100 against llm-d-inference-sim reference ranges for 7–8B on H100', () => {
  it('answers a 256-token prompt on an idle server in 60–120 ms', () => {
    const { clock, engine } = engineFor('llama-3.1-8b-h100');
    const start = clock.now();
    const times = submit(engine, clock, tokens(0, 256), 1);
    clock.runUntilIdle();
    within(times[0] - start, 60, 120, 'TTFT');
  });

  for (const batch of [8, 16, 32]) {
    it(`decodes at 10–15 ms per token with ${batch} sequences of 1k context`, () => {
      const { clock, engine } = engineFor('llama-3.1-8b-h100');
      const streams = Array.from({ length: batch }, (_, i) =>
        submit(engine, clock, tokens(i * 2000, 1000), 40),
      );
      clock.runUntilIdle();
      // Skip the first tokens, which come from prefill steps; later gaps are pure decode steps.
      const gaps = streams.flatMap((times) => times.slice(11).map((time, i) => time - times[10 + i]));
      within(gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length, 10, 15, 'ITL');
    });
  }
});

describe('qwen3-32b-2xh100 against llm-d "KV-cache wins you can see" (Qwen3-32B, vLLM on 2×H100)', () => {
  it('takes about 4.3 s to the first token of a cold 10k-token prompt', () => {
    const { clock, engine } = engineFor('qwen3-32b-2xh100');
    const times = submit(engine, clock, tokens(0, 10_000), 1);
    clock.runUntilIdle();
    within(times[0], 4300 * 0.9, 4300 * 1.1, 'cold TTFT');
  });

  it('takes about 0.6 s when the 8,800-token context is cached and a 1,200-token question is new', () => {
    const { clock, engine } = engineFor('qwen3-32b-2xh100');
    const context = tokens(0, 8_800);
    submit(engine, clock, [...context, ...tokens(50_000, 1_200)], 1);
    clock.runUntilIdle();
    const start = clock.now();
    const times = submit(engine, clock, [...context, ...tokens(60_000, 1_200)], 1);
    clock.runUntilIdle();
    within(times[0] - start, 600 * 0.9, 600 * 1.1, 'warm TTFT');
  });
});
