// The little of the gRPC wire protocol a proxy must know: which requests are gRPC calls, and how a call
// is ended without a body (a trailers-only response).

import type { OutgoingHttpHeaders } from 'node:http';
import { Http2ServerResponse } from 'node:http2';
import type { DownstreamResponse } from '../exchange.ts';

const grpcType = 'application/grpc';

/** `application/grpc`, `application/grpc+proto`, `application/grpc;…`; not gRPC-Web, which is plain HTTP. */
export function isGrpcContentType(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.length < grpcType.length) return false;
  if (contentType.slice(0, grpcType.length).toLowerCase() !== grpcType) return false;
  if (contentType.length === grpcType.length) return true;
  const next = contentType[grpcType.length];
  return next === '+' || next === ';';
}

/**
 * Ends a call with one HEADERS frame carrying `headers` and END_STREAM: gRPC clients read grpc-status
 * from response headers only when that frame ends the stream (node's compatibility API would add an
 * empty DATA frame). A gRPC client on HTTP/1.1 gets the same headers and an empty body.
 */
export function respondTrailersOnly(
  res: DownstreamResponse,
  status: number,
  headers: OutgoingHttpHeaders,
): void {
  if (res instanceof Http2ServerResponse) {
    const { stream } = res;
    if (stream.destroyed || stream.headersSent) return;
    stream.respond({ ...headers, ':status': status }, { endStream: true });
    return;
  }
  res.writeHead(status, { ...headers, 'content-length': 0 });
  res.end();
}
