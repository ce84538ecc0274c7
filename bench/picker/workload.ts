// The scheduling micro-benchmark's inputs: chat requests whose long system prompts are shared by groups,
// shaped as the data plane hands them to the picker, and endpoint metrics fed as a scrape would feed them.

import { streamFor, words } from '../../src/bench/text.ts';
import { type Endpoint, type EndpointSpec, unknownMetrics } from '../../src/inference/datalayer/endpoint.ts';
import { parseInferenceBody } from '../../src/inference/requestcontrol/parse-body.ts';
import type { InferenceRequest } from '../../src/inference/requestcontrol/request.ts';
import { SeededRandom } from '../../src/sim/random.ts';

export interface WorkloadShape {
  endpoints: number;
  systemTokens: number;
  questionTokens: number;
  seed: number;
}

export const model = 'meta-llama/Llama-3.1-8B-Instruct';
/** What each endpoint reports in `vllm:cache_config_info`: 16-token blocks and this many GPU blocks. */
export const cacheBlockSize = 16;
export const cacheNumBlocks = 31_250;
const maxTokens = 256;

/** Headers a client library sends, lower-case as node:http gives them. */
const clientHeaders = {
  host: 'gateway.example.com',
  'content-type': 'application/json',
  accept: 'application/json',
  'user-agent': 'OpenAI/JS 6.49.0',
  authorization: 'Bearer sk-bench',
};

export class PickerWorkload {
  readonly #shape: WorkloadShape;
  readonly #systems = new Map<number, string>();
  readonly #random: SeededRandom;
  #questions = 0;

  constructor(shape: WorkloadShape) {
    this.#shape = shape;
    this.#random = new SeededRandom(shape.seed);
  }

  /** `10.1.<i / 250>.<i % 250 + 1>:8000`, one port per pod. */
  endpointSpecs(): EndpointSpec[] {
    return Array.from({ length: this.#shape.endpoints }, (_, i) => ({
      address: `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`,
      port: 8000,
      name: `vllm-${i}`,
    }));
  }

  /** New metrics for every endpoint, as one scrape round brings them: varied load, fresh at `now`. */
  scrape(endpoints: readonly Endpoint[], now: number): void {
    for (const endpoint of endpoints) {
      endpoint.metrics = {
        ...unknownMetrics,
        waitingQueueSize: this.#random.int(0, 4),
        runningRequests: this.#random.int(0, 32),
        kvCacheUsage: 0.1 + 0.7 * this.#random.next(),
        cacheBlockSize,
        cacheNumBlocks,
        updatedAt: now,
      };
    }
  }

  /** A random number in [0, 1) from the workload's seeded stream. */
  next(): number {
    return this.#random.next();
  }

  /** Writes the system prompts of groups 0 … count − 1 now, so they are not counted as the index's heap. */
  prepareGroups(count: number): void {
    for (let group = 0; group < count; group++) this.#system(group);
  }

  /**
   * A chat request of `group` (the group's system prompt, then a question never asked before), parsed
   * from its JSON body as the data plane parses it.
   */
  request(group: number): InferenceRequest {
    const system = this.#system(group);
    const question = words(
      streamFor(this.#shape.seed, 'question', this.#questions++),
      this.#shape.questionTokens,
    );
    const body = JSON.stringify({
      model,
      max_tokens: maxTokens,
      stream: true,
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: question },
      ],
    });
    const parsed = parseInferenceBody(body, '/v1/chat/completions');
    return {
      model: parsed.model,
      prompt: parsed.prompt,
      headers: { ...clientHeaders, 'content-length': String(parsed.bodyBytes) },
      bodyBytes: parsed.bodyBytes,
      maxTokens: parsed.maxTokens,
      cacheSalt: parsed.cacheSalt,
    };
  }

  #system(group: number): string {
    let system = this.#systems.get(group);
    if (system === undefined) {
      system = words(streamFor(this.#shape.seed, 'system', group), this.#shape.systemTokens);
      this.#systems.set(group, system);
    }
    return system;
  }
}
