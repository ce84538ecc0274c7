// Workload 1, shared prefix (the Inference Extension's prefix-cache presets): groups of prompts that share a
// long system prompt, each request one of them at random, arriving as a Poisson process in QPS stages.

import { poissonArrivals, qpsStages } from './arrivals.ts';
import { groupKeys, streamFor, systemPrompts, words } from './text.ts';
import type { Workload } from './workload.ts';

export interface SharedPrefixOptions {
  model: string;
  seed: number;
  groups: number;
  promptsPerGroup: number;
  systemTokens: number;
  questionTokens: number;
  outputTokens: number;
  qps: number[];
  stageDurationMs: number;
}

export function sharedPrefixWorkload(options: SharedPrefixOptions): Workload {
  const systems = systemPrompts(options.seed, groupKeys(options.groups), options.systemTokens);
  const question = (group: number, prompt: number) =>
    words(streamFor(options.seed, 'question', group, prompt), options.questionTokens);
  const stages = qpsStages(options.qps, options.stageDurationMs);
  const pick = streamFor(options.seed, 'shared-prefix-picks');
  const requests = poissonArrivals(stages, streamFor(options.seed, 'arrivals')).map((arrival, index) => {
    const group = pick.int(0, options.groups - 1);
    const prompt = pick.int(0, options.promptsPerGroup - 1);
    return {
      index,
      stage: arrival.stage,
      atMs: arrival.atMs,
      api: 'chat' as const,
      model: options.model,
      system: systems[group],
      prompt: question(group, prompt),
      outputTokens: options.outputTokens,
    };
  });
  return { name: 'shared-prefix', parameters: { ...options }, stages, requests };
}
