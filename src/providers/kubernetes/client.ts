// A small REST client for the Kubernetes API over undici: JSON requests and watch streams, with the
// connection's CA, client certificate or bearer token. Control-plane traffic only; never on the request path.

import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { SluiceError } from '../../errors.ts';
import { isPlainObject } from '../../resources/check.ts';
import type { ClusterConnection } from './kubeconfig.ts';

/** A non-2xx answer from the API server, with its HTTP status and the `Status` reason when given. */
export class KubeApiError extends SluiceError {
  readonly httpStatus: number;
  /** `Status.reason` (`NotFound`, `Conflict`, `Expired`, …) or `''`. */
  readonly reason: string;

  constructor(method: string, path: string, httpStatus: number, reason: string, message: string) {
    super('kube_api_error', { method, path, code: httpStatus, reason: message || reason || 'no details' });
    this.httpStatus = httpStatus;
    this.reason = reason;
  }
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

const watchEventTypes = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

function isWatchEvent(value: unknown): value is WatchEvent {
  return isPlainObject(value) && watchEventTypes.has(String(value.type)) && isPlainObject(value.object);
}

/** How long a plain request may wait for its answer. */
const REQUEST_TIMEOUT_MS = 30_000;

export class KubeClient {
  readonly #connection: ClusterConnection;
  readonly #agent: Agent;

  constructor(connection: ClusterConnection) {
    this.#connection = connection;
    this.#agent = new Agent({
      connect: {
        ...(connection.ca !== undefined && { ca: connection.ca }),
        ...(connection.cert !== undefined && { cert: connection.cert, key: connection.key }),
        rejectUnauthorized: !connection.insecure,
      },
      headersTimeout: REQUEST_TIMEOUT_MS,
    });
  }

  get server(): string {
    return this.#connection.server;
  }

  #headers(withBody: boolean): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'sluice' };
    const token = this.#connection.token?.();
    if (token) headers.authorization = `Bearer ${token}`;
    if (withBody) headers['content-type'] = 'application/json';
    return headers;
  }

  /**
   * Sends one request (a JSON body when given); resolves with the parsed JSON body of a 2xx answer,
   * rejects with `KubeApiError` otherwise.
   */
  async json(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown>> {
    const response = await request(`${this.#connection.server}${path}`, {
      dispatcher: this.#agent,
      method,
      headers: this.#headers(body !== undefined),
      ...(body !== undefined && { body: JSON.stringify(body) }),
      bodyTimeout: REQUEST_TIMEOUT_MS,
      ...(signal && { signal }),
    });
    const text = await response.body.text();
    const parsed = parseJson(text);
    if (response.statusCode < 200 || response.statusCode > 299) {
      throw apiError(method, path, response.statusCode, parsed, text);
    }
    if (!isPlainObject(parsed)) {
      throw new KubeApiError(method, path, response.statusCode, '', 'the answer is not a JSON object');
    }
    return parsed;
  }

  /**
   * Opens a watch (`path` carries `watch=1` and its parameters); resolves once the server has accepted
   * it, with its events until the server ends the stream or `signal` aborts it. A stream silent for
   * `idleTimeoutMs` is taken as a dead connection and fails, so the caller reconnects.
   */
  async watch(path: string, signal: AbortSignal, idleTimeoutMs: number): Promise<AsyncGenerator<WatchEvent>> {
    const response = await request(`${this.#connection.server}${path}`, {
      dispatcher: this.#agent,
      method: 'GET',
      headers: this.#headers(false),
      bodyTimeout: idleTimeoutMs,
      signal,
    });
    if (response.statusCode !== 200) {
      const text = await response.body.text();
      throw apiError('GET', path, response.statusCode, parseJson(text), text);
    }
    return watchEvents(path, response.body);
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function apiError(method: string, path: string, status: number, parsed: unknown, text: string): KubeApiError {
  if (isPlainObject(parsed) && parsed.kind === 'Status') {
    return new KubeApiError(method, path, status, String(parsed.reason ?? ''), String(parsed.message ?? ''));
  }
  return new KubeApiError(method, path, status, '', text.slice(0, 200));
}

/** The events of an accepted watch, one JSON object per line. */
async function* watchEvents(path: string, body: Readable): AsyncGenerator<WatchEvent> {
  const lines = createInterface({ input: body, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      const event = parseJson(line);
      if (!isWatchEvent(event)) {
        throw new KubeApiError('GET', path, 200, '', `unexpected watch line: ${line.slice(0, 200)}`);
      }
      yield event;
    }
  } finally {
    lines.close();
    body.destroy();
  }
}
