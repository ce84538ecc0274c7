// Session persistence (GEP-1619): a response names the endpoint that served it in a cookie or header;
// later requests carrying that name go back to the same endpoint, over the rule's weights, while it is
// still an endpoint of one of the rule's backends. The name is opaque and tamper-evident: the endpoint
// and the session's deadline sealed with AES-GCM under a key made at start, so sessions do not outlive
// the process nor move between replicas.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { IRSessionPersistence } from '../../ir/types.ts';
import type { HeaderRecord } from '../filters/header-modifier.ts';
import type { ClusterRuntime, UpstreamEndpoint } from './clusters.ts';
import type { TryInterceptor } from './tries.ts';

const sealKey = randomBytes(32);
const ivBytes = 12;
const tagBytes = 16;

/** Where a session sends a request: the backend that owns the endpoint, and the endpoint. */
export interface SessionTarget<Backend> {
  backend: Backend;
  endpoint: UpstreamEndpoint;
}

/** The request side a session is read from. */
export interface SessionCarrier {
  /** Header value by lower-case name, repeated lines joined with commas. */
  header(name: string): string | undefined;
}

export class SessionPersistence<Backend> {
  readonly #config: IRSessionPersistence;
  /** Request header that carries the session: `cookie`, or the configured header. */
  readonly #carrier: string;
  readonly #targets = new Map<string, SessionTarget<Backend>>();
  readonly #ids = new Map<UpstreamEndpoint, string>();

  /**
   * `backends` are the rule's weighted choices; those of weight 0, and those `clusterOf` says are no
   * cluster, hold no sessions.
   */
  constructor(
    config: IRSessionPersistence,
    backends: readonly { weight: number; value: Backend }[],
    clusterOf: (backend: Backend) => ClusterRuntime | undefined,
  ) {
    this.#config = config;
    this.#carrier = config.type === 'Cookie' ? 'cookie' : config.name.toLowerCase();
    for (const { weight, value } of backends) {
      const cluster = weight > 0 ? clusterOf(value) : undefined;
      if (cluster === undefined) continue;
      for (const endpoint of cluster.endpoints.items) {
        const id = `${cluster.id} ${endpoint.origin}`;
        if (this.#targets.has(id)) continue;
        this.#targets.set(id, { backend: value, endpoint });
        this.#ids.set(endpoint, id);
      }
    }
  }

  /** The session's target when the request carries a valid, unexpired session to a current endpoint. */
  resume(request: SessionCarrier): SessionTarget<Backend> | undefined {
    const raw = request.header(this.#carrier);
    if (raw === undefined) return undefined;
    const token = this.#config.type === 'Cookie' ? cookieValue(raw, this.#config.name) : raw.trim();
    if (token === undefined) return undefined;
    const opened = open(token);
    if (opened === undefined) return undefined;
    const { deadline, id } = opened;
    if (deadline !== 0 && deadline < Date.now()) return undefined;
    return this.#targets.get(id);
  }

  /**
   * Stamps each try's response with a new session naming the endpoint that answered, unless it is the
   * endpoint the request's session already named. `secure` adds the cookie's Secure attribute.
   */
  stamping(resumed: UpstreamEndpoint | undefined, secure: boolean): TryInterceptor {
    return (next) => (endpoint, options, handler) => {
      const id = this.#ids.get(endpoint);
      if (endpoint === resumed || id === undefined) next(endpoint, options, handler);
      else next(endpoint, options, new SessionStamp(handler, this.#responseHeader(id, secure)));
    };
  }

  #responseHeader(id: string, secure: boolean): [string, string] {
    const { type, name, lifetime, absoluteTimeoutMs = 0 } = this.#config;
    const token = seal(absoluteTimeoutMs > 0 ? Date.now() + absoluteTimeoutMs : 0, id);
    if (type === 'Header') return [name.toLowerCase(), token];
    let cookie = `${name}=${token}; Path=/; HttpOnly`;
    if (secure) cookie += '; Secure';
    if (lifetime === 'Permanent' && absoluteTimeoutMs > 0)
      cookie += `; Max-Age=${Math.ceil(absoluteTimeoutMs / 1000)}`;
    return ['set-cookie', cookie];
  }
}

/** Passes a try through, adding one header to its response. */
class SessionStamp implements Dispatcher.DispatchHandler {
  readonly #handler: Dispatcher.DispatchHandler;
  readonly #header: [string, string];

  constructor(handler: Dispatcher.DispatchHandler, header: [string, string]) {
    this.#handler = handler;
    this.#header = header;
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.#handler.onRequestStart?.(controller, context);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: HeaderRecord,
    statusMessage?: string,
  ): void {
    this.#stamp(headers);
    this.#handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  /** A WebSocket handshake answer carries the session too. */
  onRequestUpgrade(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: HeaderRecord,
    socket: Duplex,
  ): void {
    this.#stamp(headers);
    this.#handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: HeaderRecord): void {
    this.#handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.#handler.onResponseError?.(controller, error);
  }

  #stamp(headers: HeaderRecord): void {
    const [name, value] = this.#header;
    const existing = headers[name];
    // Set-Cookie lines add up; a session header replaces what the upstream may have sent.
    if (name === 'set-cookie' && existing !== undefined)
      headers[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
    else headers[name] = value;
  }
}

/** `deadline` is a Unix time in ms, 0 for none; `id` names the cluster and endpoint. */
function seal(deadline: number, id: string): string {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
  const sealed = Buffer.concat([cipher.update(`${deadline} ${id}`, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

/** Undefined for anything this process did not seal, or that was changed since. */
function open(token: string): { deadline: number; id: string } | undefined {
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length <= ivBytes + tagBytes) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', sealKey, bytes.subarray(0, ivBytes));
  decipher.setAuthTag(bytes.subarray(bytes.length - tagBytes));
  let plain: string;
  try {
    plain = Buffer.concat([
      decipher.update(bytes.subarray(ivBytes, bytes.length - tagBytes)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    return undefined;
  }
  const space = plain.indexOf(' ');
  return { deadline: Number(plain.slice(0, space)), id: plain.slice(space + 1) };
}

/** The value of cookie `name` in a Cookie header (several headers arrive joined by commas). */
function cookieValue(header: string, name: string): string | undefined {
  for (const pair of header.split(/[;,]/)) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}
