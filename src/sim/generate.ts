// POST /v1/chat/completions and /v1/completions: submit to the engine, answer as JSON or as an SSE stream.
//
// The answer's tokens are drawn when the request arrives (its length from max_tokens, ignore_eos and
// the seeded length distribution); the engine decides when each one is produced. Streams carry one
// chunk per token in vLLM's format, the last token's chunk with the finish reason, then the usage
// chunk if `stream_options.include_usage` asked for it, then `data: [DONE]`.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SluiceError } from '../errors.ts';
import { type ReplicaContext, resolveModel } from './context.ts';
import { readJson, sendJson } from './http-io.ts';
import { type GenerationRequest, parseChatRequest, parseCompletionRequest } from './openai-requests.ts';
import {
  chatChunk,
  chatCompletion,
  completionChunk,
  type ResponseHead,
  textCompletion,
  type Usage,
  usage,
  usageChunk,
} from './openai-responses.ts';
import type { FinishReason, RequestEvents, RequestOutcome, SimRequest } from './request.ts';
import { decodeTokens, generateOutput } from './tokenizer.ts';

export type GenerationKind = 'chat' | 'completion';

function sse(res: ServerResponse, data: unknown): void {
  res.write(`data: ${JSON.stringify(data)}\n\n`);
}

/** Streams tokens as SSE chunks. */
function streamEvents(
  res: ServerResponse,
  kind: GenerationKind,
  head: ResponseHead,
  request: GenerationRequest,
  cachedTokens: () => number,
  onDone: () => void,
): RequestEvents {
  const promptTokens = request.promptTokens.length;
  let produced = 0;
  const running = (): Usage | undefined =>
    request.continuousUsage ? usage(promptTokens, produced, cachedTokens()) : undefined;
  return {
    onToken(token: number, _now: number, finish: FinishReason | undefined) {
      const text = decodeTokens([token]);
      if (kind === 'chat' && produced === 0)
        sse(res, chatChunk(head, { role: 'assistant', content: '' }, null, running()));
      produced++;
      const reason = finish ?? null;
      sse(
        res,
        kind === 'chat'
          ? chatChunk(head, { content: text }, reason, running())
          : completionChunk(head, text, reason, running()),
      );
    },
    onFinish(outcome: RequestOutcome) {
      if (request.includeUsage) {
        const object = kind === 'chat' ? 'chat.completion.chunk' : 'text_completion';
        sse(
          res,
          usageChunk(head, object, usage(outcome.promptTokens, outcome.outputTokens, outcome.cachedTokens)),
        );
      }
      res.end('data: [DONE]\n\n');
      onDone();
    },
  };
}

/** Collects tokens and answers one JSON body when the request finishes. */
function bufferedEvents(
  res: ServerResponse,
  kind: GenerationKind,
  head: ResponseHead,
  onDone: () => void,
): RequestEvents {
  const tokens: number[] = [];
  return {
    onToken(token: number) {
      tokens.push(token);
    },
    onFinish(outcome: RequestOutcome) {
      const text = decodeTokens(tokens);
      const totals = usage(outcome.promptTokens, outcome.outputTokens, outcome.cachedTokens);
      sendJson(
        res,
        200,
        kind === 'chat'
          ? chatCompletion(head, text, outcome.reason, totals)
          : textCompletion(head, text, outcome.reason, totals),
      );
      onDone();
    },
  };
}

export async function handleGeneration(
  context: ReplicaContext,
  kind: GenerationKind,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const arrivalMs = context.clock.now();
  const body = await readJson(req);
  const request = kind === 'chat' ? parseChatRequest(body) : parseCompletionRequest(body);
  const model = resolveModel(context, request.model);
  res.setHeader('x-inference-model', model.name);

  const promptTokens = request.promptTokens.length;
  const maxModelLen = context.engine.config.maxModelLen;
  if (promptTokens + (request.maxTokens ?? 1) > maxModelLen) {
    throw new SluiceError('sim_context_length', {
      max: maxModelLen,
      total: promptTokens + (request.maxTokens ?? 0),
      prompt: promptTokens,
      completion: request.maxTokens ?? 0,
    });
  }
  const maxTokens = request.maxTokens ?? maxModelLen - promptTokens;
  const natural = request.ignoreEos
    ? maxTokens
    : 1 + Math.floor(context.random.exponential(context.options.meanOutputTokens));
  const output = generateOutput(Math.min(natural, maxTokens), context.random);

  const head: ResponseHead = {
    id: `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID().replaceAll('-', '')}`,
    created: Math.floor(Date.now() / 1000),
    model: model.name,
  };
  let done = false;
  const finished = () => {
    done = true;
  };
  let submitted: SimRequest | undefined;
  const cachedTokens = () => Math.max(0, submitted?.cachedTokens ?? 0);
  const events = request.stream
    ? streamEvents(res, kind, head, request, cachedTokens, finished)
    : bufferedEvents(res, kind, head, finished);
  submitted = context.engine.submit({
    promptTokens: request.promptTokens,
    output,
    maxTokens,
    pooling: false,
    lora: model.lora,
    cacheSalt: request.cacheSalt,
    arrivalMs,
    maxTokensParam: request.maxTokens,
    events,
  });
  if (request.stream)
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const accepted = submitted;
  if (res.destroyed) context.engine.abort(accepted);
  else {
    res.on('close', () => {
      if (!done) context.engine.abort(accepted);
    });
  }
}
