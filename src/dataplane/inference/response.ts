// Reads an inference response as it streams to the client: token usage for the picker's accounting and,
// under a model rewrite, the target model's name turned back into the requested one. Server-sent events
// are handled line by line as they arrive (never buffered whole); a JSON body passes as it comes (its
// tail is kept for the usage) and is held until its end only when its model name must change.

import { StringDecoder } from 'node:string_decoder';

export interface TokenUsage {
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  /** Prompt tokens the engine found in its prefix cache: the picker checks its prefix index against it. */
  cachedTokens: number | undefined;
}

/** What the client gets of an upstream body, chunk by chunk. */
export interface ResponseTap {
  /** The bytes to send now for `chunk` (possibly none). */
  write(chunk: Buffer): Buffer | null;
  /** The bytes left to send when the upstream body ends. */
  end(): Buffer | null;
  /** Whether the body's length changes (Content-Length must go). */
  readonly changesLength: boolean;
  readonly usage: TokenUsage;
}

/** A JSON body is held for a rename up to this size; beyond, it passes unrenamed. */
const jsonBodyLimitBytes = 4 * 1024 * 1024;

/** Cheap pre-check before parsing an event: only a usage object with fields is worth reading. */
const usageObject = /"usage"\s*:\s*\{/;

/**
 * The tap for a response with this content type and encoding, or null when there is nothing to read:
 * compressed bodies and other media types pass untouched.
 */
export function responseTap(
  contentType: string | undefined,
  contentEncoding: string | undefined,
  rename: ((text: string) => string) | null,
): ResponseTap | null {
  if (contentEncoding !== undefined && contentEncoding !== 'identity') return null;
  const type = contentType?.split(';', 1)[0].trim().toLowerCase();
  if (type === 'text/event-stream') return new EventStreamTap(rename);
  if (type === 'application/json') return new JsonTap(rename);
  return null;
}

/**
 * Usage as OpenAI's APIs report it: `usage.prompt_tokens`/`completion_tokens` (chat, completions,
 * embeddings), `usage.input_tokens`/`output_tokens` (responses), or inside a responses-API event's
 * `response`; cached prompt tokens from `prompt_tokens_details` (`input_tokens_details` for responses).
 */
export function usageOf(document: unknown): TokenUsage | undefined {
  if (typeof document !== 'object' || document === null) return undefined;
  let usage: unknown = Reflect.get(document, 'usage');
  if (typeof usage !== 'object' || usage === null) {
    const response: unknown = Reflect.get(document, 'response');
    if (typeof response !== 'object' || response === null) return undefined;
    usage = Reflect.get(response, 'usage');
    if (typeof usage !== 'object' || usage === null) return undefined;
  }
  const count = (from: object, ...names: string[]) => {
    for (const name of names) {
      const value: unknown = Reflect.get(from, name);
      if (typeof value === 'number') return value;
    }
    return undefined;
  };
  const details: unknown =
    Reflect.get(usage, 'prompt_tokens_details') ?? Reflect.get(usage, 'input_tokens_details');
  return {
    promptTokens: count(usage, 'prompt_tokens', 'input_tokens'),
    completionTokens: count(usage, 'completion_tokens', 'output_tokens'),
    cachedTokens:
      typeof details === 'object' && details !== null ? count(details, 'cached_tokens') : undefined,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Server-sent events: complete lines are examined as they arrive, a partial line waits for its end. */
class EventStreamTap implements ResponseTap {
  readonly changesLength: boolean;
  usage: TokenUsage = { promptTokens: undefined, completionTokens: undefined, cachedTokens: undefined };
  readonly #rename: ((text: string) => string) | null;
  readonly #decoder = new StringDecoder('utf8');
  #partial = '';

  constructor(rename: ((text: string) => string) | null) {
    this.#rename = rename;
    this.changesLength = rename !== null;
  }

  write(chunk: Buffer): Buffer | null {
    const text = this.#partial + this.#decoder.write(chunk);
    const end = text.lastIndexOf('\n') + 1;
    this.#partial = text.slice(end);
    const lines = text.slice(0, end);
    if (lines !== '') this.#readUsage(lines);
    if (this.#rename === null) return chunk;
    return lines === '' ? null : Buffer.from(this.#rename(lines));
  }

  end(): Buffer | null {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    if (rest !== '') this.#readUsage(rest);
    if (this.#rename === null || rest === '') return null;
    return Buffer.from(this.#rename(rest));
  }

  /** The last event carrying usage wins: with `include_usage` it is the final chunk before `[DONE]`. */
  #readUsage(lines: string): void {
    if (!usageObject.test(lines)) return;
    for (const line of lines.split('\n')) {
      if (!line.startsWith('data:') || !usageObject.test(line)) continue;
      const usage = usageOf(parseJson(line.slice(5)));
      if (usage !== undefined) this.usage = usage;
    }
  }
}

/**
 * A JSON body passes as it comes while its last bytes are kept for the usage object (OpenAI's APIs put it
 * at the end); under a rename it is held whole, up to the limit, and renamed at its end.
 */
class JsonTap implements ResponseTap {
  readonly changesLength: boolean;
  usage: TokenUsage = { promptTokens: undefined, completionTokens: undefined, cachedTokens: undefined };
  readonly #rename: ((text: string) => string) | null;
  /** The held body under a rename; null once it passed the limit (then it streams unrenamed). */
  #held: Buffer[] | null = [];
  #heldBytes = 0;
  #tail: Buffer = Buffer.alloc(0);

  constructor(rename: ((text: string) => string) | null) {
    this.#rename = rename;
    this.changesLength = rename !== null;
  }

  write(chunk: Buffer): Buffer | null {
    this.#tail = keepTail(this.#tail, chunk);
    const held = this.#held;
    if (this.#rename === null || held === null) return chunk;
    held.push(chunk);
    this.#heldBytes += chunk.length;
    if (this.#heldBytes <= jsonBodyLimitBytes) return null;
    // Too large to hold: what was held goes out as it came, the rest passes.
    this.#held = null;
    return Buffer.concat(held, this.#heldBytes);
  }

  end(): Buffer | null {
    const usage = usageInTail(this.#tail.toString('utf8'));
    if (usage !== undefined) this.usage = usage;
    const held = this.#held;
    this.#held = null;
    if (this.#rename === null || held === null) return null;
    return Buffer.from(this.#rename(Buffer.concat(held, this.#heldBytes).toString('utf8')));
  }
}

/** How much of the end of a JSON body is kept to find its usage object. */
const tailBytes = 16 * 1024;

function keepTail(tail: Buffer, chunk: Buffer): Buffer {
  if (chunk.length >= tailBytes) return Buffer.from(chunk.subarray(chunk.length - tailBytes));
  const joined = Buffer.concat([tail, chunk]);
  return joined.length <= tailBytes ? joined : joined.subarray(joined.length - tailBytes);
}

/**
 * The usage of the last `"usage": {…}` member in `text`. A quote inside a JSON string is escaped, so the
 * key cannot be faked by generated text; the object is delimited by counting braces outside strings.
 */
export function usageInTail(text: string): TokenUsage | undefined {
  const key = text.lastIndexOf('"usage"');
  if (key < 0) return undefined;
  const match = /^\s*:\s*\{/.exec(text.slice(key + 7, key + 64));
  if (match === null) return undefined;
  const start = key + 7 + match[0].length - 1;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */) depth++;
    else if (c === 125 /* } */ && --depth === 0)
      return usageOf({ usage: parseJson(text.slice(start, i + 1)) });
  }
  return undefined;
}
