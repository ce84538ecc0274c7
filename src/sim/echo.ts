// An HTTP echo backend that answers like the Gateway API conformance image `echo-basic`.
//
// Tests and the demo point routes at it and read back what the gateway forwarded: the request URI,
// Host, method, protocol and headers, plus the namespace and pod the "pod" claims to be. It also
// implements echo-basic's helpers: `X-Echo-Set-Header` (plant response headers), `?delay=` (answer
// late), `/status/NNN`, the `/retry/` failure simulator and `/health`.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface EchoServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Reported as `pod`; conformance expects `<deployment>-<replicaset hash>-<pod hash>`. */
  pod: string;
  namespace: string;
  service?: string;
}

export interface EchoServer {
  address: string;
  port: number;
  /**
   * RequestURIs this server echoed, oldest first: how mirror tests see what reached a backend.
   * Only the most recent ones are kept, so a long-running demo backend does not grow without bound.
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
}

const maxLoggedRequests = 10_000;

export async function startEchoServer(options: EchoServerOptions): Promise<EchoServer> {
  const requests: string[] = [];
  const retryAttempts = new Map<string, number>();
  const sockets = new Set<Socket>();
  let httpPort = '';

  const echo = async (req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> => {
    requests.push(req.url ?? '');
    if (requests.length > maxLoggedRequests) requests.splice(0, requests.length - maxLoggedRequests / 2);
    if (!(await waitFor(res, query.get('delay')))) return;
    const body: EchoedRequest = {
      path: req.url ?? '',
      host: req.headers.host ?? '',
      method: req.method ?? '',
      proto: `HTTP/${req.httpVersion}`,
      headers: canonicalHeaders(req),
      httpPort,
      namespace: options.namespace,
      ingress: '',
      service: options.service ?? '',
      pod: options.pod,
    };
    setEchoedResponseHeaders(res, req.headersDistinct['x-echo-set-header'] ?? []);
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
    if (attempts >= succeedAfter) return echo(req, res, query);
    retryAttempts.set(uuid, attempts + 1);
    if (!(await waitFor(res, query.get('delayRetry')))) return;
    const responseCode = goAtoi(query.get('responseCode'));
    if (responseCode === undefined) {
      req.socket.resetAndDestroy();
      return;
    }
    writeStatus(res, responseCode);
  };

  const server = createServer((req, res) => {
    req.resume();
    const requestUri = req.url ?? '/';
    const queryStart = requestUri.indexOf('?');
    // echo-basic collapses doubled slashes for its own routing only; `path` stays the raw URI.
    const path = (queryStart < 0 ? requestUri : requestUri.slice(0, queryStart)).replaceAll('//', '/');
    const query = new URLSearchParams(queryStart < 0 ? '' : requestUri.slice(queryStart + 1));
    if (path === '/health') {
      res.writeHead(200).end('OK');
    } else if (path.startsWith('/status/')) {
      const code = /^\/status\/(\d\d\d)$/.exec(requestUri);
      writeStatus(res, code ? Number(code[1]) : 400);
    } else if (path.startsWith('/retry/')) {
      retry(req, res, query).catch(() => res.destroy());
    } else {
      echo(req, res, query).catch(() => res.destroy());
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  httpPort = String(bound.port);

  return {
    address: bound.address,
    port: bound.port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Sleeps for a Go duration from the query; answers 500 and returns false when it does not parse. */
async function waitFor(res: ServerResponse, duration: string | null): Promise<boolean> {
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

/** Request headers as Go's `http.Header`: canonical names, one array entry per header line, no Host. */
function canonicalHeaders(req: IncomingMessage): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (name === 'host' || values === undefined) continue;
    headers[canonicalHeaderName(name)] = values;
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
function setEchoedResponseHeaders(res: ServerResponse, directives: string[]): void {
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
