// The best prefix-cache hit rate a workload allows: the requests that were sent, in order, replayed through
// the simulator's own KV-cache manager on one replica with room for every block, so nothing is ever evicted.
//
// No routing can beat it: every block any earlier request computed is still cached. Real replicas split
// the blocks and evict, so a scheduler's hit rate is read against this bound, not expected to reach it.

import { BlockPool } from '../sim/block-pool.ts';
import { KvCacheManager } from '../sim/kv-cache.ts';
import { SimRequest } from '../sim/request.ts';
import { encodeChat, encodePrompt, encodeText } from '../sim/tokenizer.ts';
import type { InferenceCall } from './client.ts';

const ignoreEvents = { onToken() {}, onFinish() {} };

export interface SentRequest {
  call: InferenceCall;
  /** The generated text; its blocks are cached too, as the engine computed them (multi-turn hits them). */
  answer: string;
}

/**
 * Hit tokens ÷ prompt tokens (vLLM's prefix-cache counters) for `requests`, in order, on one replica that
 * never evicts. Each request caches its prompt and its answer's blocks, as a replica's decoding does.
 */
export function prefixHitBound(
  requests: readonly SentRequest[],
  adapters: ReadonlySet<string>,
  blockSize: number,
): number {
  const sequences = requests.map(({ call, answer }) => {
    const prompt = call.api === 'chat' ? encodeChat(call.messages ?? []) : encodePrompt(call.prompt ?? '');
    return { prompt, output: encodeText(answer) };
  });
  const blocks = sequences.reduce(
    (sum, { prompt, output }) => sum + Math.ceil((prompt.length + output.length) / blockSize),
    2,
  );
  const cache = new KvCacheManager(new BlockPool(blocks), blockSize, true);
  let queried = 0;
  let hit = 0;
  sequences.forEach(({ prompt, output }, id) => {
    const model = requests[id].call.model;
    const request = new SimRequest(
      id,
      {
        promptTokens: prompt,
        output,
        maxTokens: output.length,
        pooling: false,
        lora: adapters.has(model) ? model : undefined,
        arrivalMs: 0,
        events: ignoreEvents,
      },
      0,
    );
    const found = cache.findCachedPrefix(request);
    queried += prompt.length;
    hit += found.tokens;
    request.tokens.push(...output);
    cache.allocate(request, request.tokens.length - found.tokens, found);
    cache.free(request);
  });
  return queried === 0 ? 0 : hit / queried;
}
