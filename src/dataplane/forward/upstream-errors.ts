// Maps an undici or socket error seen before the response started to the registry error the client gets.

import { SluiceError } from '../../errors.ts';

/** Errors that mean no connection to the upstream could be made. */
const connectFailures = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** undici's own idle timeouts: headers not received, or no body data, for this long. */
const undiciTimeouts = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** undici refused the request as the client sent it (e.g. a header value it cannot forward). */
const unforwardable = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

function errorCode(error: Error): string | undefined {
  const code: unknown = Reflect.get(error, 'code');
  return typeof code === 'string' ? code : undefined;
}

export function upstreamFailure(error: Error, endpoint: string, idleTimeoutMs: number): SluiceError {
  const code = errorCode(error);
  const reason = code ?? error.message;
  if (code !== undefined && connectFailures.has(code)) {
    return new SluiceError('upstream_connect_failed', { endpoint, reason });
  }
  if (code !== undefined && undiciTimeouts.has(code))
    return new SluiceError('upstream_timeout', { ms: idleTimeoutMs });
  if (code !== undefined && unforwardable.has(code))
    return new SluiceError('bad_request', { reason: error.message });
  return new SluiceError('upstream_reset', { endpoint, reason });
}
