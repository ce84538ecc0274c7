// One request in flight: what routing and filters read and change, local replies, and accounting.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { SluiceError } from '../errors.ts';
import type { RouteMeter } from '../observability/metrics.ts';
import type { CompiledHeaderModifier } from './filters/header-modifier.ts';
import type { FilterTarget } from './filters/run.ts';
import type { ClusterRuntime } from './forward/clusters.ts';
import { BodyTee, sendMirror } from './forward/mirror.ts';
import { hostWithoutPort } from './hostname.ts';
import type { MatchInput } from './router/match.ts';

/** The socket-level facts an exchange needs from the port it arrived on. */
export interface ExchangeOrigin {
  scheme: 'http' | 'https';
  port: number;
}

export class Exchange implements MatchInput, FilterTarget {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
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
  /** True once the response is complete or abandoned; nothing may answer twice. */
  finished = false;
  #queryParams: URLSearchParams | null = null;
  /** Set once a mirror needs the request body too. */
  #tee: BodyTee | null = null;

  constructor(origin: ExchangeOrigin, meter: RouteMeter, req: IncomingMessage, res: ServerResponse) {
    this.req = req;
    this.res = res;
    this.startedAt = performance.now();
    this.method = req.method ?? 'GET';
    const url = originForm(req.url ?? '/');
    const mark = url.indexOf('?');
    this.path = mark < 0 ? url : url.slice(0, mark);
    this.query = mark < 0 ? '' : url.slice(mark);
    this.host = hostWithoutPort(req.headers.host);
    this.scheme = origin.scheme;
    this.listenerPort = origin.port;
    this.meter = meter;
    this.upstreamPath = this.path;
  }

  header(name: string): string | undefined {
    const raw = this.req.rawHeaders;
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
    this.replyLocal(error.status, error.toBody());
  }

  /** Answers with a JSON error body (the registry's shape) at the gateway. */
  replyLocal(status: number, body: string): void {
    if (this.finished) return;
    this.res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    this.res.end(body);
    this.finish(status);
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
    const { headers } = this.req;
    const length = headers['content-length'];
    return (length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined;
  }

  /** The body to send upstream: the client request itself, or its tee branch once mirrors share it. */
  upstreamBody(): Readable | null {
    if (!this.hasBody) return null;
    return this.#tee === null ? this.req : this.#tee.main;
  }

  mirror(cluster: ClusterRuntime): void {
    let body: Readable | null = null;
    if (this.hasBody) {
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

/** The path-and-query of a request target: absolute-form targets (`http://host/p?q`) lose their origin. */
function originForm(target: string): string {
  if (target.charCodeAt(0) === 47 /* / */ || target === '*') return target;
  if (!URL.canParse(target)) return target;
  const url = new URL(target);
  return url.pathname + url.search;
}
