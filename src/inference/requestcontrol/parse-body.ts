// Reads an OpenAI-style inference request body once, bounded in size: the API (from the path), the model,
// the text for prefix hashing, streaming and the token limit. Malformed bodies fail with a 4xx SluiceError.

import { SluiceError } from '../../errors.ts';
import { type InferenceApi, promptText } from './prompt-text.ts';

/** Bodies above this many bytes are refused (a 128k-token prompt is about 0.5 MB of text). */
export const defaultBodyLimitBytes = 16 * 1024 * 1024;

export interface ParsedInferenceBody {
  api: InferenceApi;
  model: string;
  /** What prefix-cache affinity hashes. */
  prompt: string;
  stream: boolean;
  /** `max_completion_tokens`, `max_tokens` or `max_output_tokens`, when set. */
  maxTokens: number | undefined;
  /** vLLM's `cache_salt`. */
  cacheSalt: string;
  bodyBytes: number;
  /** The decoded body, for callers that rewrite fields (model rewrites). */
  body: Record<string, unknown>;
}

/** The API a path addresses, by suffix, so `/v1/chat/completions` and provider-prefixed paths both work. */
export function inferenceApiOf(path: string): InferenceApi | undefined {
  const bare = path.split('?')[0].replace(/\/+$/, '');
  if (bare.endsWith('/chat/completions')) return 'chat/completions';
  if (bare.endsWith('/completions')) return 'completions';
  if (bare.endsWith('/embeddings')) return 'embeddings';
  if (bare.endsWith('/responses')) return 'responses';
  return undefined;
}

function badRequest(reason: string): SluiceError {
  return new SluiceError('bad_request', { reason });
}

function nonEmpty(value: unknown): boolean {
  if (typeof value === 'string') return value !== '';
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null;
}

const requiredInput: Record<InferenceApi, string> = {
  'chat/completions': 'messages',
  completions: 'prompt',
  embeddings: 'input',
  responses: 'input',
};

function tokenLimit(body: Record<string, unknown>): number | undefined {
  for (const field of ['max_completion_tokens', 'max_tokens', 'max_output_tokens']) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
      throw badRequest(`${field} must be a non-negative integer`);
    return value;
  }
  return undefined;
}

export function parseInferenceBody(
  raw: Buffer | string,
  path: string,
  limitBytes = defaultBodyLimitBytes,
): ParsedInferenceBody {
  const bodyBytes = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
  if (bodyBytes > limitBytes) throw new SluiceError('body_too_large', { limit: limitBytes });
  const api = inferenceApiOf(path);
  if (api === undefined)
    throw badRequest(
      `${path} is not an inference API (chat/completions, completions, embeddings, responses)`,
    );
  let body: unknown;
  try {
    body = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (error) {
    throw badRequest(`the request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('the request body must be a JSON object');
  const fields = body as Record<string, unknown>;
  if (typeof fields.model !== 'string' || fields.model === '') throw new SluiceError('model_missing');
  const input = requiredInput[api];
  if (!nonEmpty(fields[input])) throw badRequest(`a ${api} request needs a non-empty ${input} field`);
  if (fields.stream !== undefined && fields.stream !== null && typeof fields.stream !== 'boolean')
    throw badRequest('stream must be true or false');
  return {
    api,
    model: fields.model,
    prompt: promptText(api, fields),
    stream: fields.stream === true,
    maxTokens: tokenLimit(fields),
    cacheSalt: typeof fields.cache_salt === 'string' ? fields.cache_salt : '',
    bodyBytes,
    body: fields,
  };
}
