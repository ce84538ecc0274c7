// One request in flight: what routing and filters read and change, local replies, and accounting.

import type { EventEmitter } from 'node:events';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Http2ServerRequest } from 'node:http2';
import { Readable } from 'node:stream';
import type { SluiceError } from '../errors.ts';
import type { ParsedInferenceBody } from '../inference/requestcontrol/parse-body.ts';
import type { RouteMeter } from '../observability/metrics.ts';
import type { CompiledHeaderModifier } from './filters/header-modifier.ts';
import type { FilterTarget } from './filters/run.ts';
import type { ClusterRuntime } from './forward/clusters.ts';
import { BodyTee, sendMirror } from './forward/mirror.ts';
import type { UpgradeRequest } from './forward/websocket.ts';
import { isGrpcContentType } from './grpc/protocol.ts';
import { replyGrpcError } from './grpc/status.ts';
import { hostWithoutPort } from './hostname.ts';
import { openAiErrorBody, reasonHeader, refusalReason } from './inference/openai-errors.ts';
import { type LocalReply, localReply } from './local-reply.ts';
import type { MatchInput } from './router/match.ts';

/** A client request as node hands it over: HTTP/1.x, or HTTP/2 through node's compatibility API. */
export type DownstreamRequest = IncomingMessage | Http2ServerRequest;

/**
 * The response side as the data plane uses it. node's `ServerResponse` (HTTP/1.x) and
 * `Http2ServerResponse` (HTTP/2 compatibility API) both are one.
 */
export interface DownstreamResponse extends EventEmitter {
  readonly headersSent: boolean;
  writeHead(statusCode: number, headers?: OutgoingHttpHeaders): unknown;
  writeContinue(): void;
  write(chunk: Buffer): boolean;
  /** Trailers go out after the body: as HTTP/2 trailers, or after the last chunk on HTTP/1.1. */
  addTrailers(trailers: OutgoingHttpHeaders): void;
  end(): unknown;
  end(body: string): unknown;
  destroy(error?: Error): unknown;
}

/** The socket-level facts an exchange needs from the port it arrived on. */
export interface ExchangeOrigin {
  scheme: 'http' | 'https';
  port: number;
}

export class Exchange implements MatchInput, FilterTarget {
  readonly req: DownstreamRequest;
  readonly res: DownstreamResponse;
  /**
   * Request header lines `[name, value, …]`; on HTTP/2 without pseudo-headers, `:authority` as Host.
   * Replaced (never changed in place) when an inference request gains `x-gateway-model-name`.
   */
  rawHeaders: readonly string[];
  readonly startedAt: number;
  readonly method: string;
  /** Request path without the query string, as matched. */
  readonly path: string;
  /** Query string with its `?`, or empty; forwarded and kept in redirects unchanged. */
  readonly query: string;
  /** Host header without port, lower-cased, for listener and route selection. */
  readonly host: string;
  readonly scheme: 'http' | 'https';
  readonly listenerPort: number;
  /** Series the request is counted in; narrowed as the request is routed. */
  meter: RouteMeter;
  upstreamHeaders: string[] = [];
  upstreamPath: string;
  responseModifiers: CompiledHeaderModifier[] | null = null;
  /** A gRPC call (by content type, or routed by a GRPCRoute): the gateway's errors are gRPC statuses. */
  grpc: boolean;
  /** Set on `Upgrade: websocket` requests: the connection to join with the endpoint's after its 101. */
  upgrade: UpgradeRequest | null = null;
  /** True once the response is complete or abandoned; nothing may answer twice. */
  finished = false;
  /** The whole request body, when the gateway read it before routing (inference requests). */
  body: Buffer | null = null;
  /** The inference request that `body` holds, parsed once. */
  inference: ParsedInferenceBody | null = null;
  /** An inference request: the gateway's errors are answered in OpenAI's shape. */
  openAiErrors = false;
  #queryParams: URLSearchParams | null = null;
  /** Set once a mirror needs the request body too. */
  #tee: BodyTee | null = null;

  constructor(origin: ExchangeOrigin, meter: RouteMeter, req: DownstreamRequest, res: DownstreamResponse) {
    this.req = req;
    this.res = res;
    if (req instanceof Http2ServerRequest) {
      this.rawHeaders = http1HeaderLines(req.rawHeaders);
      this.host = hostWithoutPort(req.headers[':authority'] ?? req.headers.host);
    } else {
      this.rawHeaders = req.rawHeaders;
      this.host = hostWithoutPort(req.headers.host);
    }
    this.startedAt = performance.now();
    this.method = req.method ?? 'GET';
    const url = originForm(req.url ?? '/');
    const mark = url.indexOf('?');
    this.path = mark < 0 ? url : url.slice(0, mark);
    this.query = mark < 0 ? '' : url.slice(mark);
    this.scheme = origin.scheme;
    this.listenerPort = origin.port;
    this.meter = meter;
    this.upstreamPath = this.path;
    this.grpc = isGrpcContentType(req.headers['content-type']);
  }

  header(name: string): string | undefined {
    const raw = this.rawHeaders;
    let value: string | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      if (raw[i].length !== name.length || raw[i].toLowerCase() !== name) continue;
      value = value === undefined ? raw[i + 1] : `${value},${raw[i + 1]}`;
    }
    return value;
  }

  queryParam(name: string): string | undefined {
    this.#queryParams ??= new URLSearchParams(this.query);
    return this.#queryParams.get(name) ?? undefined;
  }

  replyError(error: SluiceError): void {
    this.replyLocal(localReply(error));
  }

  /**
   * Answers at the gateway: a JSON error body (the registry's shape), or a gRPC status for gRPC calls.
   * Either way the request is counted with the reply's HTTP status, so that gRPC errors show as errors.
   */
  replyLocal(reply: LocalReply): void {
    if (this.finished) return;
    if (this.grpc) {
      replyGrpcError(this.res, reply.error);
    } else if (this.req.method === 'HEAD') {
      // No body follows, so no content type either: clients that parse every JSON reply choke on an empty one.
      this.res.writeHead(reply.status, { 'content-length': 0 });
      this.res.end();
    } else {
      const body = this.openAiErrors ? openAiErrorBody(reply.error, reply.status) : reply.body;
      const reason = this.openAiErrors ? refusalReason(reply.error) : undefined;
      this.res.writeHead(reply.status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        ...(reason !== undefined && { [reasonHeader]: reason }),
      });
      this.res.end(body);
    }
    this.finish(reply.status);
  }

  /** Answers with headers and no body at the gateway (redirects, CORS preflights). */
  replyEmpty(status: number, headers: Record<string, string>): void {
    if (this.finished) return;
    this.res.writeHead(status, { ...headers, 'content-length': 0 });
    this.res.end();
    this.finish(status);
  }

  /** Whether the client sends a request body. */
  get hasBody(): boolean {
    // HTTP/2 frames the body itself: there is one unless the request's HEADERS ended the stream.
    if (this.req instanceof Http2ServerRequest) return !this.req.stream.endAfterHeaders;
    const { headers } = this.req;
    const length = headers['content-length'];
    return (length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined;
  }

  /** The body to send upstream: the body read already, the client request, or its tee branch for mirrors. */
  upstreamBody(): Buffer | Readable | null {
    if (this.body !== null) return this.body;
    if (!this.hasBody) return null;
    return this.#tee === null ? this.req : this.#tee.main;
  }

  mirror(cluster: ClusterRuntime): void {
    let body: Readable | null = null;
    if (this.body !== null) {
      body = Readable.from([this.body]);
    } else if (this.hasBody) {
      this.#tee ??= new BodyTee(this.req);
      body = this.#tee.branch();
    }
    sendMirror(
      cluster,
      { method: this.method, path: this.upstreamPath + this.query, headers: this.upstreamHeaders },
      body,
    );
  }

  /** Counts the request once, with the status the client got (499: it went away first). */
  finish(code: number): void {
    if (this.finished) return;
    this.finished = true;
    this.meter.record(code, (performance.now() - this.startedAt) / 1000);
  }
}

/**
 * An HTTP/2 request's header lines as HTTP/1.1 would carry them (RFC 9113 §8.3.1, §8.2.3): pseudo-headers
 * dropped, `:authority` as the one Host (it wins over Host lines), split `cookie` lines joined with `; `.
 */
function http1HeaderLines(raw: readonly string[]): string[] {
  const lines: string[] = [];
  // Pseudo-headers come first on HTTP/2, so `authority` is known before any Host line.
  let authority: string | undefined;
  let cookie: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name.charCodeAt(0) === 58 /* : */) {
      if (name === ':authority') authority = raw[i + 1];
      continue;
    }
    const lower = name.toLowerCase();
    if (lower === 'cookie') {
      cookie = cookie === undefined ? raw[i + 1] : `${cookie}; ${raw[i + 1]}`;
      continue;
    }
    if (lower === 'host' && authority !== undefined) continue;
    lines.push(name, raw[i + 1]);
  }
  if (authority !== undefined) lines.unshift('host', authority);
  if (cookie !== undefined) lines.push('cookie', cookie);
  return lines;
}

/** The path-and-query of a request target: absolute-form targets (`http://host/p?q`) lose their origin. */
function originForm(target: string): string {
  if (target.charCodeAt(0) === 47 /* / */ || target === '*') return target;
  if (!URL.canParse(target)) return target;
  const url = new URL(target);
  return url.pathname + url.search;
}
