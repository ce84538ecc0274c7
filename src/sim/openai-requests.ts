// Parsing and validating OpenAI-compatible request bodies into what the simulator needs from them.

import { SluiceError } from '../errors.ts';
import { type ChatMessage, encodeChat, encodePrompt } from './tokenizer.ts';

export interface GenerationRequest {
  /** Absent: the server's base model, as vLLM does. */
  model: string | undefined;
  promptTokens: number[];
  stream: boolean;
  includeUsage: boolean;
  continuousUsage: boolean;
  /** `max_tokens` (or `max_completion_tokens`) as the client sent it. */
  maxTokens: number | undefined;
  ignoreEos: boolean;
  cacheSalt: string | undefined;
}

export interface EmbeddingRequest {
  model: string | undefined;
  inputs: number[][];
  encodingFormat: 'float' | 'base64';
  dimensions: number | undefined;
}

type Body = Record<string, unknown>;

function bad(reason: string): SluiceError {
  return new SluiceError('sim_bad_request', { reason });
}

function asObject(body: unknown): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw bad('The request body must be a JSON object.');
  return body as Body;
}

function optionalString(body: Body, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw bad(`'${field}' must be a string.`);
  return value;
}

function optionalBoolean(body: Body, field: string): boolean {
  const value = body[field];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw bad(`'${field}' must be a boolean.`);
  return value;
}

function optionalPositiveInteger(body: Body, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw bad(`'${field}' must be a positive integer, not ${JSON.stringify(value)}.`);
  }
  return value;
}

function tokenIds(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((id) => Number.isInteger(id) && id >= 0);
}

function commonGeneration(body: Body, promptTokens: number[]): GenerationRequest {
  const n = optionalPositiveInteger(body, 'n');
  if (n !== undefined && n > 1) throw bad('The simulator generates one choice per request (n must be 1).');
  const streamOptions = body.stream_options;
  const stream = optionalBoolean(body, 'stream');
  let includeUsage = false;
  let continuousUsage = false;
  if (streamOptions !== undefined && streamOptions !== null) {
    if (!stream) throw bad("'stream_options' is only allowed when 'stream' is true.");
    const options = asObject(streamOptions);
    includeUsage = optionalBoolean(options, 'include_usage');
    continuousUsage = optionalBoolean(options, 'continuous_usage_stats');
  }
  return {
    model: optionalString(body, 'model'),
    promptTokens,
    stream,
    includeUsage,
    continuousUsage,
    maxTokens:
      optionalPositiveInteger(body, 'max_completion_tokens') ?? optionalPositiveInteger(body, 'max_tokens'),
    ignoreEos: optionalBoolean(body, 'ignore_eos'),
    cacheSalt: optionalString(body, 'cache_salt'),
  };
}

function messageText(content: unknown, index: number): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (!Array.isArray(content)) throw bad(`messages[${index}].content must be a string or a list of parts.`);
  return content
    .map((part: unknown) => {
      const { type, text } = asObject(part);
      if (type !== 'text' || typeof text !== 'string') {
        throw bad(`messages[${index}].content: the simulator accepts text parts only.`);
      }
      return text;
    })
    .join('\n');
}

export function parseChatRequest(raw: unknown): GenerationRequest {
  const body = asObject(raw);
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) throw bad("'messages' must be a non-empty list.");
  const chat: ChatMessage[] = messages.map((message: unknown, index) => {
    const { role, content } = asObject(message);
    if (typeof role !== 'string') throw bad(`messages[${index}].role must be a string.`);
    return { role, content: messageText(content, index) };
  });
  return commonGeneration(body, encodeChat(chat));
}

export function parseCompletionRequest(raw: unknown): GenerationRequest {
  const body = asObject(raw);
  let prompt = body.prompt;
  if (
    Array.isArray(prompt) &&
    prompt.length === 1 &&
    (typeof prompt[0] === 'string' || tokenIds(prompt[0]))
  ) {
    prompt = prompt[0];
  }
  if (typeof prompt === 'string') return commonGeneration(body, encodePrompt(prompt));
  if (tokenIds(prompt)) return commonGeneration(body, prompt);
  throw bad("'prompt' must be a string or a list of token ids (one prompt per request).");
}

export function parseEmbeddingRequest(raw: unknown): EmbeddingRequest {
  const body = asObject(raw);
  const input = body.input;
  let inputs: number[][];
  if (typeof input === 'string') inputs = [encodePrompt(input)];
  else if (tokenIds(input)) inputs = [input];
  else if (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'string')) {
    inputs = input.map((item: string) => encodePrompt(item));
  } else if (Array.isArray(input) && input.length > 0 && input.every(tokenIds)) inputs = input;
  else throw bad("'input' must be a string, a list of strings, or token ids.");
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') throw bad("'encoding_format' must be 'float' or 'base64'.");
  return {
    model: optionalString(body, 'model'),
    inputs,
    encodingFormat: format,
    dimensions: optionalPositiveInteger(body, 'dimensions'),
  };
}

export function parseLoadLora(raw: unknown): { name: string; path: string } {
  const body = asObject(raw);
  const name = optionalString(body, 'lora_name');
  const path = optionalString(body, 'lora_path');
  if (!name || !path) throw bad("Both 'lora_name' and 'lora_path' must be provided.");
  return { name, path };
}

export function parseUnloadLora(raw: unknown): string {
  const name = optionalString(asObject(raw), 'lora_name');
  if (!name) throw bad("'lora_name' needs to be provided to unload a LoRA adapter.");
  return name;
}
