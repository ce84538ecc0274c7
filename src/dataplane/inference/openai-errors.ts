// Gateway errors as OpenAI-compatible clients read them on inference requests: the registry's code and
// message, with the error `type` OpenAI's API uses for the HTTP status.

import type { SluiceError } from '../../errors.ts';

/** OpenAI's error types by status; clients (the official SDKs) also branch on the status itself. */
export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 503) return 'service_unavailable_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** `{"error":{"message","type","param","code"}}`, the code being the registry's. */
export function openAiErrorBody(error: SluiceError, status = error.status): string {
  return JSON.stringify({
    error: { message: error.message, type: openAiErrorType(status), param: null, code: error.code },
  });
}
