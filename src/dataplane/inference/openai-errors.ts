// Gateway errors as OpenAI-compatible clients read them on inference requests: the registry's code and
// message, with the error `type` OpenAI's API uses for the HTTP status, and — when the pool refused the
// request (shed, queue full or timed out, no endpoint) — the refusal's reason, in the body and in the
// `x-sluice-reason` response header, so that proxies and clients that never parse bodies see it too.

import { ServerResponse } from 'node:http';
import { Http2ServerResponse } from 'node:http2';
import type { ErrorCode, SluiceError } from '../../errors.ts';
import type { DownstreamResponse } from '../exchange.ts';

export const reasonHeader = 'x-sluice-reason';

/** Why a pool refused a request, by the registry code of the refusal. */
const refusalReasons: Partial<Record<ErrorCode, string>> = {
  request_shed: 'sheddable',
  queue_full: 'queue-full',
  queue_timeout: 'queue-ttl',
  queue_cancelled: 'queue-cancelled',
  pool_no_fit: 'no-fit',
  pool_no_endpoints: 'no-endpoints',
};

/** The refusal reason of an error, or undefined for errors that are not refusals. */
export function refusalReason(error: SluiceError): string | undefined {
  return refusalReasons[error.code];
}

/**
 * Sets the reason header for a refusal about to be answered. node's HTTP/1 and HTTP/2 responses merge
 * headers set this way into the status line that follows.
 */
export function markRefusal(res: DownstreamResponse, reason: string): void {
  if (res instanceof ServerResponse || res instanceof Http2ServerResponse)
    res.setHeader(reasonHeader, reason);
}

/** OpenAI's error types by status; clients (the official SDKs) also branch on the status itself. */
export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 503) return 'service_unavailable_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** `{"error":{"message","type","param","code"[,"reason"]}}`, the code being the registry's. */
export function openAiErrorBody(error: SluiceError, status = error.status): string {
  return JSON.stringify({
    error: {
      message: error.message,
      type: openAiErrorType(status),
      param: null,
      code: error.code,
      reason: refusalReason(error),
    },
  });
}
