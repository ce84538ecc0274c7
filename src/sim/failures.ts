// Deterministic failure injection: a seeded rate of canned failures, and a header that forces a status.
//
// The failure types and their answers follow llm-d-inference-sim (`failure-injection-rate`,
// `failure-types`, `X-Return-Error`), so tests written against it carry over.

import { SluiceError } from '../errors.ts';
import type { SeededRandom } from './random.ts';

export const failureTypes = [
  'rate_limit',
  'invalid_api_key',
  'context_length',
  'server_error',
  'invalid_request',
  'model_not_found',
] as const;

export type FailureType = (typeof failureTypes)[number];

export function isFailureType(value: string): value is FailureType {
  return (failureTypes as readonly string[]).includes(value);
}

export interface FailureInjection {
  /** Percentage of inference requests that fail, 0–100. */
  rate: number;
  /** The failures to draw from; empty means all. */
  types: readonly FailureType[];
}

function failure(type: FailureType, model: string): SluiceError {
  switch (type) {
    case 'rate_limit':
      return new SluiceError('sim_rate_limited', { model });
    case 'invalid_api_key':
      return new SluiceError('sim_invalid_api_key');
    case 'context_length':
      return new SluiceError('sim_context_length', { max: 4096, total: 4500, prompt: 4500, completion: 0 });
    case 'server_error':
      return new SluiceError('sim_overloaded');
    case 'invalid_request':
      return new SluiceError('sim_bad_request', {
        reason: "Invalid request: missing required parameter 'model'.",
      });
    case 'model_not_found':
      return new SluiceError('sim_model_not_found', { model: `${model}-nonexistent` });
  }
}

/** The failure this request draws, if any; the draw comes from the replica's seeded stream. */
export function drawFailure(
  injection: FailureInjection,
  random: SeededRandom,
  model: string,
): SluiceError | undefined {
  if (injection.rate <= 0 || random.next() * 100 >= injection.rate) return undefined;
  const types = injection.types.length > 0 ? injection.types : failureTypes;
  return failure(types[random.int(0, types.length - 1)], model);
}

/** `x-return-error: <status>` answers that status (400–599) instead of serving the request. */
export function forcedStatus(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\s*\d{3}\s*$/.test(value)) return undefined;
  const status = Number(value);
  return status >= 400 && status <= 599 ? status : undefined;
}
