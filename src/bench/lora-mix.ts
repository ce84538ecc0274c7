// Workload 4, LoRA mix: requests spread over adapters with Zipf-like popularity (adapter i has weight
// 1/(i+1)), each adapter with its own system prompt, arriving as a Poisson process in QPS stages.

import { poissonArrivals, qpsStages } from './arrivals.ts';
import { streamFor, systemPrompts, words } from './text.ts';
import type { Workload } from './workload.ts';

export interface LoraMixOptions {
  seed: number;
  adapters: string[];
  systemTokens: number;
  questionTokens: number;
  outputTokens: number;
  qps: number[];
  stageDurationMs: number;
}

export function loraMixWorkload(options: LoraMixOptions): Workload {
  const weights = options.adapters.map((_, rank) => 1 / (rank + 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const systems = systemPrompts(options.seed, options.adapters, options.systemTokens);
  const pick = streamFor(options.seed, 'lora-picks');
  const chooseAdapter = () => {
    let left = pick.next() * total;
    for (let rank = 0; rank < weights.length - 1; rank++) {
      left -= weights[rank];
      if (left < 0) return rank;
    }
    return weights.length - 1;
  };
  const stages = qpsStages(options.qps, options.stageDurationMs);
  const requests = poissonArrivals(stages, streamFor(options.seed, 'arrivals')).map((arrival, index) => {
    const rank = chooseAdapter();
    return {
      index,
      stage: arrival.stage,
      atMs: arrival.atMs,
      api: 'chat' as const,
      model: options.adapters[rank],
      system: systems[rank],
      prompt: words(streamFor(options.seed, 'question', index), options.questionTokens),
      outputTokens: options.outputTokens,
    };
  });
  return { name: 'lora-mix', parameters: { ...options }, stages, requests };
}
