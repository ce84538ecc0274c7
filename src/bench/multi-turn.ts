// Workload 2, multi-turn chat: conversations whose prompts grow with every turn (system prompt, then each
// earlier question and the answer it got), a few system prompts shared across conversations.
//
// `conversations` conversations are open at once. Each arrival (Poisson, in QPS stages) is the next turn of
// one of them, chosen at random, as users come back at random; a conversation that had `turns` turns is
// replaced by a new one. (Taking them in turn would line a conversation's turns up with a round-robin
// balancer's cycle and hand the baseline perfect affinity.)

import { poissonArrivals, qpsStages } from './arrivals.ts';
import { groupKeys, streamFor, systemPrompts, words } from './text.ts';
import type { Workload } from './workload.ts';

export interface MultiTurnOptions {
  model: string;
  seed: number;
  groups: number;
  conversations: number;
  turns: number;
  systemTokens: number;
  questionTokens: number;
  outputTokens: number;
  qps: number[];
  stageDurationMs: number;
}

export function multiTurnWorkload(options: MultiTurnOptions): Workload {
  const systems = systemPrompts(options.seed, groupKeys(options.groups), options.systemTokens);
  const stages = qpsStages(options.qps, options.stageDurationMs);
  const slots = Array.from({ length: options.conversations }, (_, slot) => ({ id: slot, turn: -1 }));
  let nextConversation = options.conversations;
  const pick = streamFor(options.seed, 'multi-turn-picks');
  const requests = poissonArrivals(stages, streamFor(options.seed, 'arrivals')).map((arrival, index) => {
    const slot = slots[pick.int(0, slots.length - 1)];
    slot.turn++;
    if (slot.turn === options.turns) {
      slot.id = nextConversation++;
      slot.turn = 0;
    }
    return {
      index,
      stage: arrival.stage,
      atMs: arrival.atMs,
      api: 'chat' as const,
      model: options.model,
      system: systems[slot.id % options.groups],
      prompt: words(streamFor(options.seed, 'turn', slot.id, slot.turn), options.questionTokens),
      conversation: { id: slot.id, turn: slot.turn },
      outputTokens: options.outputTokens,
    };
  });
  return { name: 'multi-turn', parameters: { ...options }, stages, requests };
}
