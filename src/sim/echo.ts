// An HTTP echo backend that answers like the Gateway API conformance image `echo-basic`.
//
// Tests and the demo point routes at it and read back what the gateway forwarded: the request URI,
// Host, method, protocol and headers, plus the namespace and pod the "pod" claims to be. It also
// implements echo-basic's helpers: `X-Echo-Set-Header` (plant response headers), `?delay=` (answer
// late), `/status/NNN`, the `/retry/` failure simulator, `/health`, the WebSocket echo `/ws` and,
// on further ports when asked, the h2c echo and the HTTPS echo (which also reports the TLS details).

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { type H2cListener, listenH2c } from './echo-h2c.ts';
import {
  listenTls,
  type TlsAssertions,
  type TlsListener,
  type TlsOptions,
  tlsAssertions,
} from './echo-tls.ts';
import { serveWebSocketEcho, webSocketPath } from './echo-websocket.ts';

export interface EchoServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** echo-basic's H2C_PORT: where to echo cleartext HTTP/2 too (0 picks a free port); none when unset. */
  h2cPort?: number;
  /** echo-basic's HTTPS_PORT with TLS_SERVER_CERT/PRIVKEY (and TLS_CLIENT_CACERTS); none when unset. */
  https?: TlsOptions;
  /** Reported as `pod`; conformance expects `<deployment>-<replicaset hash>-<pod hash>`. */
  pod: string;
  namespace: string;
  service?: string;
}

export interface EchoServer {
  address: string;
  port: number;
  /** The h2c port, when one was asked for. */
  h2cPort: number | undefined;
  /** The HTTPS port, when one was asked for. */
  httpsPort?: number;
  /**
   * RequestURIs this server echoed (on either port), oldest first: how mirror tests see what reached
   * a backend. Only the most recent ones are kept, so a long-running demo backend does not grow
   * without bound.
   */
  requests: string[];
  close(): Promise<void>;
}

/** What the echo answers, field for field and in the order echo-basic writes them. */
export interface EchoedRequest {
  path: string;
  host: string;
  method: string;
  proto: string;
  headers: Record<string, string[]>;
  httpPort: string;
  namespace: string;
  ingress: string;
  service: string;
  pod: string;
  /** Only for requests that came over TLS. */
  tls?: TlsAssertions;
}

/** The parts of a request that echo-basic reports, whichever HTTP version carried it. */
interface EchoInput {
  requestUri: string;
  host: string;
  method: string;
  proto: string;
  headers: Record<string, string[]>;
  tls: TlsAssertions | undefined;
}

/** What the echo writes to: node's HTTP/1.1 response and its HTTP/2 compatibility response alike. */
interface EchoResponse {
  setHeader(name: string, value: string): unknown;
  writeHead(status: number, headers?: Record<string, string>): unknown;
  end(body: string): unknown;
  destroy(): unknown;
}

const maxLoggedRequests = 10_000;

export async function startEchoServer(options: EchoServerOptions): Promise<EchoServer> {
  const requests: string[] = [];
  const retryAttempts = new Map<string, number>();
  const sockets = new Set<Socket>();
  let httpPort = '';

  const echo = async (input: EchoInput, res: EchoResponse, query: URLSearchParams): Promise<void> => {
    requests.push(input.requestUri);
    if (requests.length > maxLoggedRequests) requests.splice(0, requests.length - maxLoggedRequests / 2);
    if (!(await waitFor(res, query.get('delay')))) return;
    const body: EchoedRequest = {
      path: input.requestUri,
      host: input.host,
      method: input.method,
      proto: input.proto,
      headers: input.headers,
      // echo-basic reports its HTTP port whichever port the request came in on.
      httpPort,
      namespace: options.namespace,
      ingress: '',
      service: options.service ?? '',
      pod: options.pod,
      ...(input.tls ? { tls: input.tls } : {}),
    };
    setEchoedResponseHeaders(res, input.headers['X-Echo-Set-Header'] ?? []);
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.end(JSON.stringify(body, null, ' '));
  };

  // Fails the first `succeedAfter` tries of each uuid (with `responseCode`, or a TCP reset when it
  // is absent), then echoes: the backend side of retry tests.
  const retry = async (req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> => {
    const uuid = query.get('uuid') ?? '';
    if (uuid === '') return plainError(res, 400, 'uuid is required');
    const succeedAfter = goAtoi(query.get('succeedAfter'));
    if (succeedAfter === undefined) return plainError(res, 400, 'succeedAfter is required');
    const attempts = retryAttempts.get(uuid) ?? 0;
    if (attempts >= succeedAfter) return echo(http1Input(req), res, query);
    retryAttempts.set(uuid, attempts + 1);
    if (!(await waitFor(res, query.get('delayRetry')))) return;
    const responseCode = goAtoi(query.get('responseCode'));
    if (responseCode === undefined) {
      req.socket.resetAndDestroy();
      return;
    }
    writeStatus(res, responseCode);
  };

  // The HTTP port's routes; the HTTPS port serves HTTP/1.1 with them too.
  const http1Routes = (req: IncomingMessage, res: ServerResponse): void => {
    req.resume();
    const { path, query } = splitRequestUri(req.url);
    if (path === '/health') {
      res.writeHead(200).end('OK');
    } else if (path.startsWith('/status/')) {
      const code = /^\/status\/(\d\d\d)$/.exec(req.url ?? '');
      writeStatus(res, code ? Number(code[1]) : 400);
    } else if (path.startsWith('/retry/')) {
      retry(req, res, query).catch(() => res.destroy());
    } else if (path === webSocketPath) {
      // What echo-basic's WebSocket handler answers a request that is not a WebSocket handshake.
      res.writeHead(400).end();
    } else {
      echo(http1Input(req), res, query).catch(() => res.destroy());
    }
  };
  const server = createServer(
    // Upgrades to anything but the WebSocket echo (an h2c upgrade, say) are echoed like any request.
    { shouldUpgradeCallback: (req) => splitRequestUri(req.url).path === webSocketPath },
    http1Routes,
  );
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  serveWebSocketEcho(server);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  httpPort = String(bound.port);
  const closeHttp = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  let h2c: H2cListener | undefined;
  if (options.h2cPort !== undefined) {
    try {
      h2c = await listenH2c(options.host, options.h2cPort, {
        http2: (req, res) => {
          echo(http2Input(req), res, splitRequestUri(req.url).query).catch(() => res.destroy());
        },
        // echo-basic's h2c port serves HTTP/1.1 only to a request that asks for the h2c upgrade.
        http1: (req, res) => {
          req.resume();
          if (req.headers.upgrade !== 'h2c') {
            res.writeHead(400).end('Expected h2c request');
            return;
          }
          echo(http1Input(req), res, splitRequestUri(req.url).query).catch(() => res.destroy());
        },
      });
    } catch (error) {
      await closeHttp();
      throw error;
    }
  }

  let https: TlsListener | undefined;
  if (options.https !== undefined) {
    try {
      https = await listenTls(options.host, options.https, {
        http2: (req, res) => {
          echo(http2Input(req), res, splitRequestUri(req.url).query).catch(() => res.destroy());
        },
        http1: http1Routes,
      });
    } catch (error) {
      await Promise.all([closeHttp(), h2c?.close()]);
      throw error;
    }
  }

  return {
    address: bound.address,
    port: bound.port,
    h2cPort: h2c?.port,
    httpsPort: https?.port,
    requests,
    close: async () => {
      await Promise.all([closeHttp(), h2c?.close(), https?.close()]);
    },
  };
}

/** The path and query of a RequestURI; doubled slashes collapse, as echo-basic does for routing only. */
function splitRequestUri(requestUri = '/'): { path: string; query: URLSearchParams } {
  const queryStart = requestUri.indexOf('?');
  const path = (queryStart < 0 ? requestUri : requestUri.slice(0, queryStart)).replaceAll('//', '/');
  return { path, query: new URLSearchParams(queryStart < 0 ? '' : requestUri.slice(queryStart + 1)) };
}

function http1Input(req: IncomingMessage): EchoInput {
  return {
    requestUri: req.url ?? '',
    host: req.headers.host ?? '',
    method: req.method ?? '',
    proto: `HTTP/${req.httpVersion}`,
    headers: canonicalHeaders(req.rawHeaders),
    tls: req.socket instanceof TLSSocket ? tlsAssertions(req.socket) : undefined,
  };
}

/** Go's HTTP/2 server takes the Host from `:authority` and reports the protocol as HTTP/2.0. */
function http2Input(req: Http2ServerRequest): EchoInput {
  return {
    requestUri: req.url,
    host: req.authority || (req.headers.host ?? ''),
    method: req.method,
    proto: 'HTTP/2.0',
    headers: canonicalHeaders(req.rawHeaders),
    tls:
      req.stream.session?.socket instanceof TLSSocket ? tlsAssertions(req.stream.session.socket) : undefined,
  };
}

/** Sleeps for a Go duration from the query; answers 500 and returns false when it does not parse. */
async function waitFor(res: EchoResponse, duration: string | null): Promise<boolean> {
  if (duration === null || duration === '') return true;
  const ms = parseGoDuration(duration);
  if (ms === undefined) {
    res.writeHead(500, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' });
    res.end(JSON.stringify({ message: `time: invalid duration "${duration}"` }));
    return false;
  }
  await new Promise((resolve) => setTimeout(resolve, ms));
  return true;
}

function plainError(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status).end(message);
}

/** An empty answer with `status`; a code HTTP cannot carry drops the connection, as Go's server does. */
function writeStatus(res: ServerResponse, status: number): void {
  if (status >= 100 && status <= 999) res.writeHead(status).end();
  else res.destroy();
}

/** Go's `strconv.Atoi`: an optional sign and decimal digits, nothing else. */
function goAtoi(value: string | null): number | undefined {
  return value !== null && /^[+-]?\d+$/.test(value) ? Number(value) : undefined;
}

const goDurationUnits: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's `time.ParseDuration` ("1s", "1.5h", "2h45m", "300ms", "-1m"), in milliseconds. */
export function parseGoDuration(text: string): number | undefined {
  const match = /^([+-]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+|0)$/.exec(text);
  if (!match) return undefined;
  let total = 0;
  for (const [, amount, unit] of match[2].matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(amount) * goDurationUnits[unit];
  }
  return match[1] === '-' ? -total : total;
}

/**
 * Request headers as Go's `http.Header`: canonical names, one array entry per header line, without
 * Host and HTTP/2 pseudo-headers. `rawHeaders` is node's flat name, value, name, value… list.
 */
function canonicalHeaders(rawHeaders: string[]): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index];
    if (name.startsWith(':') || name.toLowerCase() === 'host') continue;
    const canonical = canonicalHeaderName(name);
    headers[canonical] ??= [];
    headers[canonical].push(rawHeaders[index + 1]);
  }
  return headers;
}

/** Go's `CanonicalMIMEHeaderKey`: upper-case the first letter and every letter after a hyphen. */
export function canonicalHeaderName(name: string): string {
  return name
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_whole, dash: string, letter: string) => dash + letter.toUpperCase());
}

// `Name:value` pairs separated by commas. A repeated name extends the first value with `,value`,
// and names that cannot be header names are skipped, as Go's server does when writing them.
function setEchoedResponseHeaders(res: EchoResponse, directives: string[]): void {
  const planted = new Map<string, string>();
  for (const directive of directives) {
    for (const pair of directive.split(',')) {
      const trimmed = pair.trim();
      const colon = trimmed.indexOf(':');
      const name = colon < 0 ? trimmed : trimmed.slice(0, colon);
      const value = colon < 0 ? '' : trimmed.slice(colon + 1);
      const previous = planted.get(name);
      planted.set(name, previous === undefined ? value : `${previous},${value.trim()}`);
    }
  }
  for (const [name, value] of planted) {
    try {
      res.setHeader(name, value);
    } catch {
      // Not a valid header name or value: Go's server leaves such entries out of the response.
    }
  }
}
