// Builds the SchedulingRequest the picker works on from what the data plane knows about a request.

import { newRequestId } from '../../request-id.ts';
import { charactersPerToken } from '../prefix/hash.ts';
import type { SchedulingRequest } from '../scheduling/types.ts';
import { defaultFairnessId, inferenceHeaders } from './headers.ts';

export interface InferenceRequest {
  /** The client's model name. */
  model: string;
  /** The model after rewrites (defaults to `model`, or the rewrite header). */
  targetModel?: string;
  /** Text for prefix hashing (`parseInferenceBody(...).prompt`). */
  prompt: string;
  /** Request headers with lower-case names. */
  headers?: Readonly<Record<string, string | string[] | undefined>>;
  /** InferenceObjective priority; see `objectivePriority`. Default 0. */
  priority?: number;
  bodyBytes?: number;
  maxTokens?: number;
  cacheSalt?: string;
}

function header(headers: InferenceRequest['headers'], name: string): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The priority of the InferenceObjective a request names; no header or an unknown name is 0. */
export function objectivePriority(
  headers: InferenceRequest['headers'],
  objectives: ReadonlyMap<string, number>,
): number {
  const name = header(headers, inferenceHeaders.objective);
  return name === undefined ? 0 : (objectives.get(name) ?? 0);
}

export function schedulingRequest(request: InferenceRequest): SchedulingRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = first;
  }
  return {
    id: headers[inferenceHeaders.requestId] || newRequestId(),
    model: request.model,
    targetModel: request.targetModel ?? headers[inferenceHeaders.modelNameRewrite] ?? request.model,
    prompt: request.prompt,
    headers,
    priority: request.priority ?? 0,
    fairnessId: headers[inferenceHeaders.fairnessId] || defaultFairnessId,
    bodyBytes: request.bodyBytes ?? Buffer.byteLength(request.prompt),
    estimatedTokens: Math.ceil(request.prompt.length / charactersPerToken) + (request.maxTokens ?? 0),
    cacheSalt: request.cacheSalt ?? '',
  };
}
