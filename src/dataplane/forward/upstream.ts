// Forwards a routed request to one upstream endpoint with undici's `dispatch` and streams the response
// back through node:http or node:http2, with backpressure, trailers, timeouts and disconnects handled on
// both sides. gRPC calls stream both ways at once; WebSocket upgrades are joined after the endpoint's 101.

import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { type ErrorCode, SluiceError } from '../../errors.ts';
import type { DownstreamResponse, Exchange } from '../exchange.ts';
import { type HeaderRecord, modifyHeaderRecord } from '../filters/header-modifier.ts';
import { respondTrailersOnly } from '../grpc/protocol.ts';
import { grpcRequestBody } from '../grpc/request-body.ts';
import { downstreamResponseHeaders } from './headers.ts';
import { upstreamIdleTimeoutMs } from './pools.ts';
import type { ForwardTarget } from './tries.ts';
import { upstreamFailure } from './upstream-errors.ts';
import { spliceUpgrade } from './websocket.ts';

/** Route timeouts in ms; 0 means none. */
export interface ForwardTimeouts {
  requestMs: number;
  backendRequestMs: number;
}

/** Reason given to undici when the gateway stops an upstream request (the client left or time ran out). */
const abandoned = new Error('the gateway abandoned the upstream request');

const kUpstream = Symbol('sluice.upstream');

/** The response carries its handler so that shared listeners need no per-request closure. */
type TrackedResponse = DownstreamResponse & { [kUpstream]?: UpstreamHandler };

function onClientClose(this: TrackedResponse): void {
  this[kUpstream]?.clientClosed();
}

function onClientDrain(this: TrackedResponse): void {
  this[kUpstream]?.resume();
}

function onRequestTimeout(handler: UpstreamHandler, ms: number): void {
  handler.timedOut('request_timeout', ms);
}

function onBackendTimeout(handler: UpstreamHandler, ms: number): void {
  handler.timedOut('upstream_timeout', ms);
}

/** Sends the exchange's upstream request to `endpoint`; the response streams straight to the client. */
export function forward(exchange: Exchange, endpoint: ForwardTarget, timeouts: ForwardTimeouts): void {
  const { req, res } = exchange;
  const handler = new UpstreamHandler(exchange, endpoint.origin);
  (res as TrackedResponse)[kUpstream] = handler;
  res.on('close', onClientClose);
  handler.startTimers(timeouts);
  // The server routes `Expect: 100-continue` requests here without answering; only a request that is
  // really forwarded asks the client for its body.
  if (req.headers.expect !== undefined && req.headers.expect.toLowerCase() === '100-continue')
    res.writeContinue();
  const body = exchange.upstreamBody();
  const options: Dispatcher.DispatchOptions = {
    path: exchange.upstreamPath + exchange.query,
    method: exchange.method,
    headers: exchange.upstreamHeaders,
    body,
  };
  if (exchange.grpc) {
    // gRPC servers want `te: trailers` (the one TE value HTTP/2 allows). A stream may stay quiet for as
    // long as the call's own deadline allows, so the idle safety net does not apply.
    options.headers = [...exchange.upstreamHeaders, 'te', 'trailers'];
    // undici writes async iterables (writeIterable), though the DispatchOptions type lists only streams and buffers.
    options.body = grpcRequestBody(body) as Dispatcher.DispatchOptions['body'];
    options.headersTimeout = 0;
    options.bodyTimeout = 0;
  }
  if (exchange.upgrade !== null) options.upgrade = 'websocket';
  endpoint.dispatcher.dispatch(options, handler);
}

/** Upstream response headers as the client gets them: hop-by-hop headers gone, response filters applied. */
export function clientResponseHeaders(exchange: Exchange, upstream: HeaderRecord): HeaderRecord {
  const headers = downstreamResponseHeaders(upstream);
  const modifiers = exchange.responseModifiers;
  if (modifiers !== null) for (const modifier of modifiers) modifyHeaderRecord(headers, modifier);
  return headers;
}

function hasAny(headers: HeaderRecord): boolean {
  for (const _ in headers) return true;
  return false;
}

class UpstreamHandler implements Dispatcher.DispatchHandler {
  readonly #exchange: Exchange;
  readonly #res: DownstreamResponse;
  readonly #origin: string;
  #controller: Dispatcher.DispatchController | null = null;
  #status = 0;
  #requestTimer: NodeJS.Timeout | null = null;
  #backendTimer: NodeJS.Timeout | null = null;

  constructor(exchange: Exchange, origin: string) {
    this.#exchange = exchange;
    this.#res = exchange.res;
    this.#origin = origin;
  }

  startTimers({ requestMs, backendRequestMs }: ForwardTimeouts): void {
    if (requestMs > 0) {
      const remaining = Math.max(1, requestMs - (performance.now() - this.#exchange.startedAt));
      this.#requestTimer = setTimeout(onRequestTimeout, remaining, this, requestMs);
    }
    if (backendRequestMs > 0) {
      this.#backendTimer = setTimeout(onBackendTimeout, backendRequestMs, this, backendRequestMs);
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.#exchange.finished) controller.abort(abandoned);
    else this.#controller = controller;
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: HeaderRecord,
  ): void {
    if (this.#exchange.finished) {
      controller.abort(abandoned);
      return;
    }
    const downstream = clientResponseHeaders(this.#exchange, headers);
    this.#status = statusCode;
    if (this.#exchange.grpc && headers['grpc-status'] !== undefined) {
      // A trailers-only answer (the call failed before any message): it must end the stream as it came.
      this.#clearTimers();
      respondTrailersOnly(this.#res, statusCode, downstream);
      this.#exchange.finish(statusCode);
      return;
    }
    this.#res.writeHead(statusCode, downstream);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#exchange.finished) return;
    if (!this.#res.write(chunk)) {
      controller.pause();
      this.#res.once('drain', onClientDrain);
    }
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, trailers: HeaderRecord): void {
    this.#clearTimers();
    if (this.#exchange.finished) return;
    // gRPC puts the call's status in trailers; they go to the client as they came.
    if (hasAny(trailers)) this.#res.addTrailers(trailers);
    this.#res.end();
    this.#exchange.finish(this.#status);
  }

  /** The endpoint accepted a WebSocket upgrade: from now on bytes flow both ways untouched. */
  onRequestUpgrade(
    _controller: Dispatcher.DispatchController,
    _statusCode: number,
    headers: HeaderRecord,
    socket: Duplex,
  ): void {
    this.#clearTimers();
    const { upgrade } = this.#exchange;
    if (this.#exchange.finished || upgrade === null) {
      socket.destroy();
      return;
    }
    spliceUpgrade(upgrade, clientResponseHeaders(this.#exchange, headers), socket);
    this.#exchange.finish(101);
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    this.#clearTimers();
    if (this.#exchange.finished) return;
    if (!this.#res.headersSent) {
      this.#exchange.replyError(upstreamFailure(error, this.#origin, upstreamIdleTimeoutMs));
      return;
    }
    // The status line is gone: cutting the connection is the only way to tell the client.
    this.#res.destroy();
    this.#exchange.finish(this.#status);
  }

  resume(): void {
    this.#controller?.resume();
  }

  clientClosed(): void {
    if (this.#exchange.finished) return;
    this.#clearTimers();
    this.#exchange.finish(499);
    this.#controller?.abort(abandoned);
  }

  timedOut(code: ErrorCode, ms: number): void {
    if (this.#exchange.finished) return;
    this.#clearTimers();
    if (this.#res.headersSent) {
      this.#res.destroy();
      this.#exchange.finish(this.#status);
    } else {
      this.#exchange.replyError(new SluiceError(code, { ms }));
    }
    this.#controller?.abort(abandoned);
  }

  #clearTimers(): void {
    if (this.#requestTimer !== null) clearTimeout(this.#requestTimer);
    if (this.#backendTimer !== null) clearTimeout(this.#backendTimer);
    this.#requestTimer = null;
    this.#backendTimer = null;
  }
}
