// One inference request inside the simulated engine: its tokens, progress, KV blocks and timestamps.

import type { Block } from './block-pool.ts';

/** vLLM's finish reasons as they appear in responses and in `vllm:request_success_total`. */
export type FinishReason = 'stop' | 'length' | 'abort';

export type RequestStatus = 'waiting' | 'running' | 'preempted' | 'finished';

export interface RequestOutcome {
  reason: FinishReason;
  promptTokens: number;
  outputTokens: number;
  /** Prompt tokens served from the prefix cache when the request was first scheduled. */
  cachedTokens: number;
}

/** How the engine reports progress to whoever submitted the request (the HTTP layer, a test). */
export interface RequestEvents {
  /** `finish` is set on the request's last token, which `onFinish` follows at once. */
  onToken(tokenId: number, nowMs: number, finish: FinishReason | undefined): void;
  onFinish(outcome: RequestOutcome, nowMs: number): void;
}

export interface RequestSpec {
  promptTokens: readonly number[];
  /** The tokens the request will generate, in order; the answer's content is decided before it is timed. */
  output: readonly number[];
  /** Generation stops with `length` when this many tokens were produced. */
  maxTokens: number;
  /** Prefill only, no token is generated (embeddings). */
  pooling: boolean;
  /** LoRA adapter name; part of every block hash so adapters never share KV blocks. */
  lora?: string;
  /** Per-request salt mixed into the first block hash (vLLM's `cache_salt`). */
  cacheSalt?: string;
  /** When the server received the request, in simulated ms (start of TTFT and e2e latency). */
  arrivalMs: number;
  /** The `max_tokens` the client asked for, if any (for `vllm:request_params_max_tokens`). */
  maxTokensParam?: number;
  events: RequestEvents;
}

export class SimRequest {
  readonly id: number;
  readonly spec: RequestSpec;
  /** Prompt plus the tokens generated so far. */
  readonly tokens: number[];
  status: RequestStatus = 'waiting';
  numComputed = 0;
  numOutput = 0;
  numPreemptions = 0;
  /** -1 until first scheduled; then the prefix-cache hit of that first scheduling, in tokens. */
  cachedTokens = -1;
  blocks: Block[] = [];
  /** Hashes of the full blocks of `tokens`, computed as tokens become known. */
  readonly blockHashes: string[] = [];
  /** How many leading entries of `blocks` are registered in the prefix cache. */
  numHashedBlocks = 0;
  readonly queuedMs: number;
  scheduledMs: number | undefined;
  firstTokenMs: number | undefined;
  lastTokenMs: number | undefined;

  constructor(id: number, spec: RequestSpec, queuedMs: number) {
    this.id = id;
    this.spec = spec;
    this.tokens = [...spec.promptTokens];
    this.queuedMs = queuedMs;
  }

  get numPromptTokens(): number {
    return this.spec.promptTokens.length;
  }
}
