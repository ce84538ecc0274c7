// Upstream `conformance/utils/roundtripper`: send one request on a new connection and capture what
// the client saw, plus what the echo backend says it received.

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { verifyHostname } from './hostname-verification.ts';
import { exchangeHttp2 } from './roundtrip-http2.ts';

const requestTimeoutMs = 10_000;

export interface RoundTripRequest {
  scheme: 'http' | 'https';
  /**
   * Upstream's `Request.Protocol` for HTTP/2: `H2C_PRIOR_KNOWLEDGE` (cleartext) or `H2` (over TLS,
   * by ALPN). Unset means HTTP/1.1, over TLS when the scheme is https.
   */
  protocol?: 'H2C_PRIOR_KNOWLEDGE' | 'H2';
  /** Where to connect: the Gateway address and listener port. */
  address: string;
  port: number;
  /** Path and query, as sent on the request line. */
  path: string;
  method: string;
  /** The Host header. */
  host: string;
  headers: Record<string, string>;
  body?: string;
  /** HTTPS only: the SNI to send and the PEM certificate to trust. */
  serverName?: string;
  serverCertificate?: string;
  /** HTTPS only: the certificate and key to present when the server asks for one. */
  clientCertificate?: { certPem: string; keyPem: string };
}

/** What the echo backend reported; all empty when the answer was not the echo's JSON. */
export interface CapturedRequest {
  path: string;
  host: string;
  method: string;
  protocol: string;
  headers: Record<string, string[]>;
  httpPort: string;
  namespace: string;
  pod: string;
  /** Set when the echo was reached over TLS. */
  tls?: { serverName: string; peerCertificates: string[] };
}

export interface RedirectRequest {
  scheme: string;
  host: string;
  port: string;
  path: string;
}

export interface CapturedResponse {
  statusCode: number;
  /** Lower-case names; one entry per header line, as Go's `http.Header` keeps them. */
  headers: Record<string, string[]>;
  redirectRequest?: RedirectRequest;
}

export interface RoundTrip {
  request: CapturedRequest;
  response: CapturedResponse;
}

/** A response as read off the wire, whichever HTTP version carried it. */
export interface Exchange {
  statusCode: number;
  /** Lower-case names; one entry per header line. */
  headers: Record<string, string[]>;
  body: string;
}

/** Rejects on connection, TLS or timeout errors, like upstream's `CaptureRoundTrip`; never on a status. */
export async function captureRoundTrip(request: RoundTripRequest): Promise<RoundTrip> {
  const { statusCode, headers, body } =
    request.protocol === undefined
      ? await exchangeHttp1(request)
      : await exchangeHttp2(request, requestTimeoutMs);
  return {
    request:
      headers['content-type']?.[0] === 'application/json' ? parseEcho(body) : emptyCapture(request.method),
    response: {
      statusCode,
      headers,
      ...(isRedirect(statusCode) ? { redirectRequest: redirectOf(request, headers) } : {}),
    },
  };
}

async function exchangeHttp1(request: RoundTripRequest): Promise<Exchange> {
  const response = await send(request);
  const body = await readBody(response);
  const headers: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(response.headersDistinct)) headers[name] = values ?? [];
  return { statusCode: response.statusCode ?? 0, headers, body };
}

function send(request: RoundTripRequest): Promise<IncomingMessage> {
  const common = {
    host: request.address,
    port: request.port,
    method: request.method,
    path: request.path,
    // A new connection per request, like upstream's transport with keep-alives disabled.
    agent: false as const,
    headers: { ...request.headers, Host: request.host },
    signal: AbortSignal.timeout(requestTimeoutMs),
  };
  return new Promise((resolve, reject) => {
    const req =
      request.scheme === 'https'
        ? httpsRequest({
            ...common,
            servername: request.serverName,
            ca: request.serverCertificate,
            checkServerIdentity: (hostname, certificate) => verifyHostname(hostname, certificate),
            ...(request.clientCertificate
              ? { cert: request.clientCertificate.certPem, key: request.clientCertificate.keyPem }
              : {}),
          })
        : httpRequest(common);
    req.on('response', resolve);
    req.on('error', reject);
    req.end(request.body);
  });
}

async function readBody(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseEcho(body: string): CapturedRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new Error(`unexpected error reading response: ${String(error)}`);
  }
  const echo = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const headers: Record<string, string[]> = {};
  if (typeof echo.headers === 'object' && echo.headers !== null) {
    for (const [name, values] of Object.entries(echo.headers)) {
      headers[name] = Array.isArray(values) ? values.map(text) : [];
    }
  }
  return {
    path: text(echo.path),
    host: text(echo.host),
    method: text(echo.method),
    protocol: text(echo.proto),
    headers,
    httpPort: text(echo.httpPort),
    namespace: text(echo.namespace),
    pod: text(echo.pod),
    ...(typeof echo.tls === 'object' && echo.tls !== null ? { tls: tlsOf(echo.tls) } : {}),
  };
}

function tlsOf(tls: object): { serverName: string; peerCertificates: string[] } {
  const fields = tls as Record<string, unknown>;
  const certificates = Array.isArray(fields.peerCertificates) ? fields.peerCertificates : [];
  return {
    serverName: typeof fields.serverName === 'string' ? fields.serverName : '',
    peerCertificates: certificates.filter((pem): pem is string => typeof pem === 'string'),
  };
}

// Upstream assumes the request was made as sent when whatever answered is not the echo server.
function emptyCapture(method: string): CapturedRequest {
  return { path: '', host: '', method, protocol: '', headers: {}, httpPort: '', namespace: '', pod: '' };
}

export function isRedirect(statusCode: number): boolean {
  return [300, 301, 302, 303, 304, 305, 307, 308].includes(statusCode);
}

export function isTimeoutError(statusCode: number): boolean {
  return statusCode === 408 || statusCode === 504;
}

/** The Location header resolved against the request URL, split the way Go's `url.URL` splits it. */
function redirectOf(request: RoundTripRequest, headers: Record<string, string[]>): RedirectRequest {
  const location = headers.location?.[0];
  if (location === undefined)
    throw new Error(`http: no Location header in a ${request.method} redirect response`);
  const base = `${request.scheme}://${request.address}:${request.port}${request.path}`;
  const url = new URL(location, base);
  let path = url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // Go keeps the raw path when it does not unescape; so do we.
  }
  return { scheme: url.protocol.replace(/:$/, ''), host: url.hostname, port: url.port, path };
}
