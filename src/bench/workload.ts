// What a benchmark workload is: QPS stages and the planned requests, each with its arrival time.
//
// A plan is data fixed by the seed before anything runs. The only part decided while running is the
// history of a multi-turn conversation: a turn's prompt carries the answers the earlier turns got.

export interface Stage {
  /** Offered requests per simulated second; the trace's average rate for a replayed trace. */
  qps: number;
  /** Simulated milliseconds the stage's arrivals span. */
  durationMs: number;
}

export interface PlannedRequest {
  /** Position in the plan, in arrival order. */
  index: number;
  stage: number;
  /** Arrival, in simulated milliseconds since the stage began. */
  atMs: number;
  api: 'chat' | 'completion';
  /** The base model or a LoRA adapter. */
  model: string;
  /** Chat only: the system message. */
  system?: string;
  /** The user message of a chat request, or the whole prompt of a completion. */
  prompt: string;
  /** Multi-turn chat: the conversation and this request's turn in it (0 = first). */
  conversation?: { id: number; turn: number };
  /** Output length; sent as `max_tokens` with `ignore_eos`, so the server produces exactly this many. */
  outputTokens: number;
}

export interface Workload {
  name: string;
  /** The knobs that shaped it, recorded with the results. */
  parameters: Readonly<Record<string, unknown>>;
  stages: Stage[];
  requests: PlannedRequest[];
}

/** Chat messages in OpenAI's shape. */
export interface Message {
  role: 'system' | 'user' | 'assistant';
  content: string;
}
