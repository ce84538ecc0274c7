// The replicas' own counters, read from their /metrics before and after a stage: prefix-cache queries and
// hits (the hit rate the engines saw), the engines' TTFT sum and count, and preemptions.

import { request } from 'undici';
import { parsePrometheusText } from '../inference/datalayer/prometheus-text.ts';

export interface EngineCounters {
  prefixQueryTokens: number;
  prefixHitTokens: number;
  ttftSeconds: number;
  ttftCount: number;
  preemptions: number;
}

const names = {
  prefixQueryTokens: 'vllm:prefix_cache_queries_total',
  prefixHitTokens: 'vllm:prefix_cache_hits_total',
  ttftSeconds: 'vllm:time_to_first_token_seconds_sum',
  ttftCount: 'vllm:time_to_first_token_seconds_count',
  preemptions: 'vllm:num_preemptions_total',
} as const satisfies Record<keyof EngineCounters, string>;

const keys = Object.keys(names) as (keyof EngineCounters)[];
const wanted = new Set<string>(Object.values(names));

const zero: EngineCounters = {
  prefixQueryTokens: 0,
  prefixHitTokens: 0,
  ttftSeconds: 0,
  ttftCount: 0,
  preemptions: 0,
};

/** The counters of all replicas added up (every series of each metric). */
export async function scrapeEngines(replicaUrls: readonly string[]): Promise<EngineCounters> {
  const each = await Promise.all(
    replicaUrls.map(async (url) => {
      const response = await request(`${url}/metrics`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
      const text = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`${url}/metrics answered ${response.statusCode}`);
      const families = parsePrometheusText(text, wanted);
      const counters = { ...zero };
      for (const key of keys) {
        for (const sample of families.get(names[key]) ?? []) counters[key] += sample.value;
      }
      return counters;
    }),
  );
  return sumCounters(each);
}

export function countersBetween(before: EngineCounters, after: EngineCounters): EngineCounters {
  const delta = { ...zero };
  for (const key of keys) delta[key] = after[key] - before[key];
  return delta;
}

export function sumCounters(list: readonly EngineCounters[]): EngineCounters {
  const total = { ...zero };
  for (const counters of list) {
    for (const key of keys) total[key] += counters[key];
  }
  return total;
}
