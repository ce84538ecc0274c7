// Classifies an undici or socket error seen before the response started, and maps it to the registry
// error the client gets.

import { SluiceError } from '../../errors.ts';
import { tlsMaterialErrorCode } from './upstream-tls.ts';

/** What went wrong: retry re-sends on `connect`, `reset` and `timeout` failures only. */
export type UpstreamFailureKind = 'connect' | 'reset' | 'timeout' | 'tls' | 'request';

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

/** OpenSSL's certificate verification failures, as Node names them. */
const certificateFailures = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
]);

function errorCode(error: Error): string | undefined {
  const code: unknown = Reflect.get(error, 'code');
  return typeof code === 'string' ? code : undefined;
}

export function upstreamFailureKind(error: Error): UpstreamFailureKind {
  const code = errorCode(error);
  if (code === undefined) return 'reset';
  if (connectFailures.has(code)) return 'connect';
  if (undiciTimeouts.has(code)) return 'timeout';
  if (unforwardable.has(code)) return 'request';
  // ERR_SSL_* also covers a plaintext answer to TLS: a TLS cluster never falls back to plaintext.
  if (
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_SSL_') ||
    code === tlsMaterialErrorCode ||
    certificateFailures.has(code)
  )
    return 'tls';
  return 'reset';
}

/** A policy that already settled on a registry error (retry) hands it through unchanged. */
export function upstreamFailure(error: Error, endpoint: string, idleTimeoutMs: number): SluiceError {
  if (error instanceof SluiceError) return error;
  const reason = errorCode(error) ?? error.message;
  switch (upstreamFailureKind(error)) {
    case 'connect':
      return new SluiceError('upstream_connect_failed', { endpoint, reason });
    case 'timeout':
      return new SluiceError('upstream_timeout', { ms: idleTimeoutMs });
    case 'request':
      return new SluiceError('bad_request', { reason: error.message });
    case 'tls':
      return new SluiceError('upstream_tls_failed', { endpoint, reason: error.message });
    case 'reset':
      return new SluiceError('upstream_reset', { endpoint, reason });
  }
}
