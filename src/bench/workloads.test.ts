import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeText } from '../sim/tokenizer.ts';
import { poissonArrivals, qpsStages } from './arrivals.ts';
import { loraMixWorkload } from './lora-mix.ts';
import { multiTurnWorkload } from './multi-turn.ts';
import { sharedPrefixWorkload } from './shared-prefix.ts';
import { streamFor, words } from './text.ts';

const sharedPrefix = {
  model: 'm',
  seed: 7,
  groups: 3,
  promptsPerGroup: 4,
  systemTokens: 300,
  questionTokens: 40,
  outputTokens: 10,
  qps: [5, 10],
  stageDurationMs: 4000,
};

describe('text', () => {
  it('gives exactly the asked number of tokens, the same for the same stream', () => {
    for (const tokens of [1, 17, 500]) {
      const text = words(streamFor(1, 'x', tokens), tokens);
      assert.equal(encodeText(text).length, tokens);
      assert.equal(encodeText(` ${text}`).length, tokens);
      assert.equal(words(streamFor(1, 'x', tokens), tokens), text);
    }
    assert.notEqual(words(streamFor(1, 'a'), 50), words(streamFor(1, 'b'), 50));
  });
});

describe('Poisson arrivals', () => {
  it('hold exactly rate × duration arrivals per stage, in order, spread over the stage', () => {
    const stages = qpsStages([20, 2.5], 10_000);
    const arrivals = poissonArrivals(stages, streamFor(3, 'arrivals'));
    for (const [index, stage] of stages.entries()) {
      const inStage = arrivals.filter((arrival) => arrival.stage === index).map((arrival) => arrival.atMs);
      assert.equal(inStage.length, (stage.qps * stage.durationMs) / 1000);
      assert.ok(
        inStage.every((at, i) => at >= 0 && at < stage.durationMs && (i === 0 || at >= inStage[i - 1])),
      );
      const firstHalf = inStage.filter((at) => at < stage.durationMs / 2).length;
      assert.ok(firstHalf > 0 && firstHalf < inStage.length, 'not bunched at one end');
    }
    assert.deepEqual(arrivals, poissonArrivals(stages, streamFor(3, 'arrivals')));
  });
});

describe('shared-prefix workload', () => {
  it('is the same for the same seed and differs for another', () => {
    assert.deepEqual(sharedPrefixWorkload(sharedPrefix), sharedPrefixWorkload(sharedPrefix));
    assert.notDeepEqual(
      sharedPrefixWorkload(sharedPrefix).requests,
      sharedPrefixWorkload({ ...sharedPrefix, seed: 8 }).requests,
    );
  });

  it('shares one system prompt per group and draws questions from each group’s set', () => {
    const workload = sharedPrefixWorkload(sharedPrefix);
    const systems = new Set(workload.requests.map((request) => request.system));
    assert.equal(systems.size, sharedPrefix.groups);
    for (const system of systems) assert.equal(encodeText(system ?? '').length, sharedPrefix.systemTokens);
    const questions = new Set(workload.requests.map((request) => `${request.system}|${request.prompt}`));
    assert.ok(questions.size <= sharedPrefix.groups * sharedPrefix.promptsPerGroup);
    assert.ok(workload.requests.length > questions.size, 'some prompts repeat');
    for (const request of workload.requests) {
      assert.equal(request.api, 'chat');
      assert.equal(request.outputTokens, sharedPrefix.outputTokens);
      assert.equal(encodeText(request.prompt).length, sharedPrefix.questionTokens);
    }
    assert.deepEqual(workload.stages, [
      { qps: 5, durationMs: 4000 },
      { qps: 10, durationMs: 4000 },
    ]);
  });
});

describe('multi-turn workload', () => {
  const options = {
    model: 'm',
    seed: 1,
    groups: 2,
    conversations: 5,
    turns: 3,
    systemTokens: 50,
    questionTokens: 10,
    outputTokens: 5,
    qps: [10],
    stageDurationMs: 10_000,
  };

  it('numbers every conversation’s turns from 0 and replaces a conversation after its last turn', () => {
    const workload = multiTurnWorkload(options);
    assert.deepEqual(workload, multiTurnWorkload(options));
    const turns = new Map<number, number[]>();
    for (const request of workload.requests) {
      const conversation = request.conversation;
      assert.ok(conversation);
      turns.set(conversation.id, [...(turns.get(conversation.id) ?? []), conversation.turn]);
    }
    assert.ok(turns.size > options.conversations, 'finished conversations are replaced');
    for (const list of turns.values()) {
      assert.deepEqual(
        list,
        list.map((_, i) => i),
      );
      assert.ok(list.length <= options.turns);
    }
  });

  it('gives a conversation one system prompt, shared with other conversations of its group', () => {
    const workload = multiTurnWorkload(options);
    const systems = new Map<number, Set<string | undefined>>();
    for (const request of workload.requests) {
      const id = request.conversation?.id ?? -1;
      systems.set(id, (systems.get(id) ?? new Set()).add(request.system));
    }
    for (const set of systems.values()) assert.equal(set.size, 1);
    assert.equal(new Set(workload.requests.map((request) => request.system)).size, options.groups);
  });
});

describe('LoRA mix workload', () => {
  it('sends the most requests to the first adapter and every request to a listed adapter', () => {
    const options = {
      seed: 2,
      adapters: ['a', 'b', 'c', 'd'],
      systemTokens: 20,
      questionTokens: 10,
      outputTokens: 5,
      qps: [50],
      stageDurationMs: 10_000,
    };
    const workload = loraMixWorkload(options);
    assert.deepEqual(workload, loraMixWorkload(options));
    const counts = new Map<string, number>();
    for (const request of workload.requests) counts.set(request.model, (counts.get(request.model) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort(), options.adapters);
    assert.ok((counts.get('a') ?? 0) > (counts.get('d') ?? 0));
  });
});
