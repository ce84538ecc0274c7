// Upstream `conformance/utils/http`: expected responses, `CompareRoundTrip` and eventual consistency.

import {
  type CapturedRequest,
  type CapturedResponse,
  captureRoundTrip,
  isRedirect,
  isTimeoutError,
  type RedirectRequest,
  type RoundTripRequest,
} from './roundtrip.ts';

const maxTimeToConsistencyMs = 30_000;
const requiredConsecutiveSuccesses = 3;
const pollIntervalMs = 100;

export interface Request {
  /** The Host header; defaults to the Gateway address. */
  host?: string;
  method?: string;
  /** Path, optionally with `?query`. */
  path: string;
  headers?: Record<string, string>;
  /** HTTP/2 instead of HTTP/1.1 (upstream `Request.Protocol`). */
  protocol?: RoundTripRequest['protocol'];
  /** The server name the echo must report having seen over TLS (upstream `Request.SNI`). */
  sni?: string;
  /** A PEM certificate the echo must report the gateway presented (upstream `Request.ClientCert`). */
  clientCert?: string;
  /** The request body (upstream `Request.Body`, which the Inference Extension's tests send). */
  body?: string;
}

export interface ExpectedRequest extends Request {
  /** Headers that must not reach the backend. */
  absentHeaders?: string[];
}

export interface ExpectedResponse {
  request: Request;
  /** The request the backend must see; defaults to `request`. */
  expectedRequest?: ExpectedRequest;
  /** For 3xx answers: the Location parts to check (unset parts default as upstream). */
  redirectRequest?: Partial<RedirectRequest>;
  /** Response headers the echo backend is asked to add (`X-Echo-Set-Header`). */
  backendSetResponseHeaders?: Record<string, string>;
  response?: {
    /** Upstream's deprecated single code; it joins `statusCodes`. */
    statusCode?: number;
    /** Any of these passes; 200 when neither this nor `statusCode` is set. */
    statusCodes?: number[];
    headers?: Record<string, string>;
    /** Response headers that may take one of several values (joined with `,`). */
    validHeaderValues?: Record<string, string[]>;
    absentHeaders?: string[];
    /** Compare `headers` and `validHeaderValues` with all spaces removed. */
    ignoreWhitespace?: boolean;
  };
  /** Pod name prefix of the backend that must answer. */
  backend?: string;
  /** Namespace the answering backend must report; compared on every 200 (empty means empty). */
  namespace?: string;
  testCaseName?: string;
}

/** Upstream `MakeRequest`: the request to send to `gatewayAddress` (`ip:port`). */
export function makeRequest(
  expected: ExpectedResponse,
  gatewayAddress: string,
  scheme: 'http' | 'https',
): RoundTripRequest {
  const [address, port] = splitHostPort(gatewayAddress);
  const echoSetHeader = Object.entries(expected.backendSetResponseHeaders ?? {})
    .map(([name, value]) => `${name}:${value}`)
    .join(',');
  return {
    scheme,
    address,
    port,
    path: expected.request.path,
    method: expected.request.method ?? 'GET',
    host: expected.request.host || calculateHost(address, port, scheme),
    ...(expected.request.protocol ? { protocol: expected.request.protocol } : {}),
    ...(expected.request.body !== undefined ? { body: expected.request.body } : {}),
    // Always sent, even empty: the gateway must pass it through to the echo backend.
    headers: { ...expected.request.headers, 'X-Echo-Set-Header': echoSetHeader },
  };
}

/**
 * `ip:port` with the port replaced: what upstream builds with `net.JoinHostPort` from the port-less
 * address `GatewayAndRoutesMustBeAccepted` returns when `usePort` is false.
 */
export function withPort(gatewayAddress: string, port: number): string {
  return `${splitHostPort(gatewayAddress)[0]}:${port}`;
}

function splitHostPort(hostPort: string): [string, number] {
  const colon = hostPort.lastIndexOf(':');
  return [hostPort.slice(0, colon), Number(hostPort.slice(colon + 1))];
}

/** Upstream `CalculateHost`: the default port of the scheme is left out. */
function calculateHost(address: string, port: number, scheme: 'http' | 'https'): string {
  return (scheme === 'http' && port === 80) || (scheme === 'https' && port === 443)
    ? address
    : `${address}:${port}`;
}

/** Upstream `MakeRequest`'s defaulting: `statusCode` joins `statusCodes`, and no code at all means 200. */
function expectedStatusCodes(expected: ExpectedResponse): number[] {
  const codes = [...(expected.response?.statusCodes ?? [])];
  const single = expected.response?.statusCode;
  if (single !== undefined && !codes.includes(single)) codes.push(single);
  return codes.length > 0 ? codes : [200];
}

/** Upstream `CompareRoundTrip`: the first mismatch, or `undefined` when the round trip is as expected. */
export function compareRoundTrip(
  sent: RoundTripRequest,
  captured: CapturedRequest,
  response: CapturedResponse,
  expected: ExpectedResponse,
): string | undefined {
  const statusCodes = expectedStatusCodes(expected);
  if (isTimeoutError(response.statusCode) && statusCodes.some(isTimeoutError)) return undefined;
  if (!statusCodes.includes(response.statusCode)) {
    return `expected status code to be one of [${statusCodes.join(' ')}], got ${response.statusCode}`;
  }
  if (response.statusCode === 200 || response.statusCode === 204) {
    return compareForwarded(captured, response, expected);
  }
  if (isRedirect(response.statusCode) && expected.redirectRequest) {
    return compareRedirect(sent, response, expected.redirectRequest);
  }
  return undefined;
}

function compareForwarded(
  captured: CapturedRequest,
  response: CapturedResponse,
  expected: ExpectedResponse,
): string | undefined {
  const want = expected.expectedRequest ?? expected.request;
  const method = want.method ?? 'GET';
  if (want.host && want.host !== captured.host)
    return `expected host to be ${want.host}, got ${captured.host}`;
  if (want.path !== captured.path) return `expected path to be ${want.path}, got ${captured.path}`;
  if (method !== captured.method) return `expected method to be ${method}, got ${captured.method}`;
  if ((expected.namespace ?? '') !== captured.namespace) {
    return `expected namespace to be ${expected.namespace ?? ''}, got ${captured.namespace}`;
  }
  const requestHeaders = lowerCaseKeys(captured.headers);
  for (const [name, value] of Object.entries(want.headers ?? {})) {
    const got = requestHeaders.get(name.toLowerCase());
    if (got === undefined)
      return `expected ${name} header to be set, actual headers: ${JSON.stringify(captured.headers)}`;
    if (got.join(',') !== value) return `expected ${name} header to be set to ${value}, got ${got.join(',')}`;
  }
  const responseHeaders = lowerCaseKeys(response.headers);
  const normalize = (value: string) =>
    expected.response?.ignoreWhitespace ? value.replaceAll(' ', '') : value;
  for (const [name, values] of Object.entries(expected.response?.validHeaderValues ?? {})) {
    const got = responseHeaders.get(name.toLowerCase());
    if (got === undefined) return `expected ${name} response header to be set`;
    if (!values.map(normalize).includes(normalize(got.join(',')))) {
      return `expected ${name} response header to be one of [${values.join(' | ')}], got ${got.join(',')}`;
    }
  }
  for (const [name, value] of Object.entries(expected.response?.headers ?? {})) {
    const got = responseHeaders.get(name.toLowerCase());
    if (got === undefined) return `expected ${name} response header to be set`;
    if (normalize(got.join(',')) !== normalize(value))
      return `expected ${name} response header to be ${value}, got ${got.join(',')}`;
  }
  for (const name of expected.response?.absentHeaders ?? []) {
    const got = responseHeaders.get(name.toLowerCase());
    if (got !== undefined) return `expected ${name} response header to not be set, got ${got.join(',')}`;
  }
  const absent = expected.expectedRequest?.absentHeaders ?? [];
  for (const name of absent) {
    const got = requestHeaders.get(name.toLowerCase());
    if (got !== undefined) return `expected ${name} header to not be set, got ${got.join(',')}`;
  }
  const backend = expected.backend ?? '';
  if (!captured.pod.startsWith(backend))
    return `expected pod name to start with ${backend}, got ${captured.pod}`;
  const serverName = captured.tls?.serverName ?? '';
  if (want.sni && want.sni !== serverName) return `expected SNI "${serverName}" to be equal to "${want.sni}"`;
  if (want.clientCert && !captured.tls?.peerCertificates.includes(want.clientCert))
    return 'expected client certificate was not captured';
  return undefined;
}

function compareRedirect(
  sent: RoundTripRequest,
  response: CapturedResponse,
  expected: Partial<RedirectRequest>,
): string | undefined {
  const got = response.redirectRequest;
  if (!got) return 'a redirect without a Location';
  const host = expected.host || got.host;
  const scheme = expected.scheme || sent.scheme;
  const path = expected.path || sent.path.split('?')[0];
  if (host !== got.host) return `expected redirected hostname to be "${host}", got "${got.host}"`;
  if (expected.port) {
    if (expected.port !== got.port)
      return `expected redirected port to be "${expected.port}", got "${got.port}"`;
  } else {
    // Without an expected port, the scheme's default port may be written or left out.
    const scheme = got.scheme.toLowerCase();
    if (scheme === 'http' && got.port !== '80' && got.port !== '') {
      return `for http scheme, expected redirected port to be 80 or not set, got "${got.port}"`;
    }
    if (scheme === 'https' && got.port !== '443' && got.port !== '') {
      return `for https scheme, expected redirected port to be 443 or not set, got "${got.port}"`;
    }
  }
  if (scheme !== got.scheme) return `expected redirected scheme to be "${scheme}", got "${got.scheme}"`;
  if (path !== got.path) return `expected redirected path to be "${path}", got "${got.path}"`;
  return undefined;
}

function lowerCaseKeys(headers: Record<string, string[]>): Map<string, string[]> {
  return new Map(Object.entries(headers).map(([name, values]) => [name.toLowerCase(), values]));
}

/**
 * Upstream `AwaitConvergence`: `attempt` must succeed `threshold` times in a row within the
 * consistency window; it returns `undefined` on success or why it failed.
 */
export async function awaitConvergence(
  what: string,
  attempt: () => Promise<string | undefined>,
  diagnostics: () => string,
  threshold = requiredConsecutiveSuccesses,
): Promise<void> {
  const deadline = Date.now() + maxTimeToConsistencyMs;
  let successes = 0;
  let attempts = 0;
  let lastFailure = '';
  while (Date.now() < deadline) {
    attempts++;
    const failure = await attempt();
    if (failure === undefined) {
      successes++;
      if (successes >= threshold) return;
      continue;
    }
    successes = 0;
    lastFailure = failure;
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
  throw new Error(
    `${what}: no ${threshold} consecutive passes within ${maxTimeToConsistencyMs / 1000}s ` +
      `(${attempts} attempts); last failure: ${lastFailure}\n${diagnostics()}`,
  );
}

/** One round trip compared to `expected`; a failed request counts as "not ready yet". */
export async function roundTripFailure(
  request: RoundTripRequest,
  expected: ExpectedResponse,
): Promise<string | undefined> {
  try {
    const { request: captured, response } = await captureRoundTrip(request);
    return compareRoundTrip(request, captured, response, expected);
  } catch (error) {
    return `request failed: ${String(error)}`;
  }
}

/**
 * Upstream `WaitForConsistentFailureResponse`: 5 answers in a row that are not 200 (a failed request
 * or a timeout status counts as "not yet"); a 200 fails at once.
 */
export async function waitForConsistentFailureResponse(
  request: RoundTripRequest,
  diagnostics: () => string,
): Promise<void> {
  await awaitConvergence(
    `${request.method} ${request.scheme}://${request.host}${request.path} to keep failing`,
    async () => {
      let statusCode: number;
      try {
        statusCode = (await captureRoundTrip(request)).response.statusCode;
      } catch (error) {
        return `request failed: ${String(error)}`;
      }
      if (isTimeoutError(statusCode)) return `status ${statusCode}`;
      if (statusCode === 200)
        throw new Error(`request ${request.method} ${request.path} should fail, got 200`);
      return undefined;
    },
    diagnostics,
    5,
  );
}

/** Upstream `GetTestCaseName`. */
export function testCaseName(expected: ExpectedResponse, index: number): string {
  if (expected.testCaseName) return expected.testCaseName;
  const headers = expected.request.headers ? ' with headers' : '';
  const request = `${index} request to '${expected.request.host ?? ''}${expected.request.path}'${headers}`;
  return expected.backend
    ? `${request} should go to ${expected.backend}`
    : `${request} should receive one of [${expectedStatusCodes(expected).join(' ')}]`;
}
