// The gRPC statuses the gateway answers with: the one mapping from registry errors to gRPC codes, and
// the trailers-only answer that carries them (HTTP 200, `application/grpc`, grpc-status, grpc-message).

import type { ErrorCode, SluiceError } from '../../errors.ts';
import type { DownstreamResponse } from '../exchange.ts';
import { respondTrailersOnly } from './protocol.ts';

/** The codes of `google.rpc.Code` the gateway uses. */
export const grpcStatus = {
  unknown: 2,
  deadlineExceeded: 4,
  permissionDenied: 7,
  resourceExhausted: 8,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  unauthenticated: 16,
} as const;

export type GrpcStatus = (typeof grpcStatus)[keyof typeof grpcStatus];

/** Registry errors whose gRPC code is not the one gRPC's own table gives for their HTTP status. */
const byError: Partial<Record<ErrorCode, GrpcStatus>> = {
  // GRPCRoute: requests to an invalid backend get UNAVAILABLE (HTTP routes answer 500).
  backend_invalid: grpcStatus.unavailable,
  no_backends: grpcStatus.unavailable,
  filter_unsupported: grpcStatus.internal,
  request_timeout: grpcStatus.deadlineExceeded,
  upstream_timeout: grpcStatus.deadlineExceeded,
  // The client should retry on a connection of its own for that host.
  misdirected_request: grpcStatus.unavailable,
  body_too_large: grpcStatus.resourceExhausted,
};

/** gRPC's mapping of HTTP statuses to codes (grpc/doc/http-grpc-status-mapping.md). */
function fromHttpStatus(status: number): GrpcStatus {
  switch (status) {
    case 400:
      return grpcStatus.internal;
    case 401:
      return grpcStatus.unauthenticated;
    case 403:
      return grpcStatus.permissionDenied;
    case 404:
      return grpcStatus.unimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return grpcStatus.unavailable;
    default:
      return grpcStatus.unknown;
  }
}

export function grpcStatusOf(error: SluiceError): GrpcStatus {
  return byError[error.code] ?? fromHttpStatus(error.status);
}

/** grpc-message is percent-encoded UTF-8: every byte outside printable ASCII, and `%` itself. */
export function encodeGrpcMessage(message: string): string {
  let plain = true;
  for (let i = 0; i < message.length && plain; i++) {
    const code = message.charCodeAt(i);
    plain = code >= 0x20 && code <= 0x7e && code !== 0x25;
  }
  if (plain) return message;
  let encoded = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    encoded +=
      byte >= 0x20 && byte <= 0x7e && byte !== 0x25
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/** Ends a gRPC call at the gateway with the status `error` maps to. */
export function replyGrpcError(res: DownstreamResponse, error: SluiceError): void {
  respondTrailersOnly(res, 200, {
    'content-type': 'application/grpc',
    'grpc-status': String(grpcStatusOf(error)),
    'grpc-message': encodeGrpcMessage(error.message),
  });
}
