// One streamed inference request through the gateway, timed at the client: when it was sent, when each
// token event arrived, when the stream ended, and what the usage chunk reported.
//
// Plain undici over HTTP/1.1 with an SSE parser of a dozen lines: an OpenAI SDK would add its own
// per-chunk work to every timestamp and cost CPU the replicas and the gateway need on a small machine.

import type { Pool } from 'undici';
import type { Message } from './workload.ts';

export interface InferenceCall {
  api: 'chat' | 'completion';
  model: string;
  /** Chat requests. */
  messages?: Message[];
  /** Completion requests. */
  prompt?: string;
  outputTokens: number;
}

export interface CallResult {
  ok: boolean;
  /** HTTP status; 0 when no answer came. */
  status: number;
  error?: string;
  /** performance.now() values, wall milliseconds. */
  sentAt: number;
  /** Arrival of each event that carried generated text, in order. */
  tokenAt: number[];
  endAt: number;
  /** From the usage chunk; the count of token events when there was none. */
  outputTokens: number;
  /** The generated text (a multi-turn conversation sends it back in the next turn). */
  answer: string;
  /** The gateway's `x-gateway-destination-endpoint-served`. */
  servedBy?: string;
}

const errorBodyLimit = 2048;

function requestBody(call: InferenceCall): string {
  const common = {
    model: call.model,
    max_tokens: call.outputTokens,
    ignore_eos: true,
    stream: true,
    stream_options: { include_usage: true },
  };
  return JSON.stringify(
    call.api === 'chat' ? { ...common, messages: call.messages } : { ...common, prompt: call.prompt },
  );
}

interface StreamState {
  answer: string;
  tokenAt: number[];
  done: boolean;
  usage?: { completion_tokens?: number };
}

/** Applies one SSE event's data to the state. */
function readEvent(data: string, at: number, state: StreamState): void {
  if (data === '[DONE]') {
    state.done = true;
    return;
  }
  const chunk = JSON.parse(data) as {
    choices?: { delta?: { content?: string }; text?: string }[];
    usage?: StreamState['usage'];
  };
  const choice = chunk.choices?.[0];
  const text = choice?.delta?.content ?? choice?.text ?? '';
  if (text !== '') {
    state.answer += text;
    state.tokenAt.push(at);
  }
  if (chunk.usage) state.usage = chunk.usage;
}

/** Sends `call` on `pool` and follows its stream to the end; never throws. */
export async function sendCall(pool: Pool, call: InferenceCall, signal: AbortSignal): Promise<CallResult> {
  const sentAt = performance.now();
  const state: StreamState = { answer: '', tokenAt: [], done: false };
  const result = (ok: boolean, status: number, error?: string, servedBy?: string): CallResult => ({
    ok,
    status,
    ...(error !== undefined && { error }),
    sentAt,
    tokenAt: state.tokenAt,
    endAt: performance.now(),
    outputTokens: state.usage?.completion_tokens ?? state.tokenAt.length,
    answer: state.answer,
    ...(servedBy !== undefined && { servedBy }),
  });
  let status = 0;
  let servedBy: string | undefined;
  try {
    const response = await pool.request({
      method: 'POST',
      path: call.api === 'chat' ? '/v1/chat/completions' : '/v1/completions',
      headers: { 'content-type': 'application/json' },
      body: requestBody(call),
      signal,
    });
    status = response.statusCode;
    const served = response.headers['x-gateway-destination-endpoint-served'];
    servedBy = typeof served === 'string' ? served : undefined;
    response.body.setEncoding('utf8');
    if (status !== 200) {
      let text = '';
      for await (const chunk of response.body) if (text.length < errorBodyLimit) text += chunk;
      return result(false, status, text.slice(0, errorBodyLimit), servedBy);
    }
    let pending = '';
    for await (const chunk of response.body as AsyncIterable<string>) {
      const at = performance.now();
      pending += chunk;
      for (let end = pending.indexOf('\n\n'); end >= 0; end = pending.indexOf('\n\n')) {
        const event = pending.slice(0, end);
        pending = pending.slice(end + 2);
        for (const line of event.split('\n'))
          if (line.startsWith('data: ')) readEvent(line.slice(6), at, state);
      }
    }
    return state.done
      ? result(true, status, undefined, servedBy)
      : result(false, status, 'the stream ended before data: [DONE]', servedBy);
  } catch (error) {
    const reason = signal.aborted
      ? String(signal.reason)
      : error instanceof Error
        ? error.message
        : String(error);
    return result(false, status, reason, servedBy);
  }
}
