// The one door to the API server, through `@kubernetes/client-node`: its KubeConfig authenticates every
// request (and sets up TLS), its Watch streams events, its typed APIs write Leases and custom objects'
// status. Lists and discovery go through the library's HTTP stack untyped, because its typed models turn
// timestamps into Date objects and drop fields they do not know, and Sluice must admit objects exactly as
// the server sent them (the same bytes file mode would read). Control-plane traffic only.

import {
  ApiException,
  type Configuration,
  createConfiguration,
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  RequestContext,
  ServerConfiguration,
  Watch,
} from '@kubernetes/client-node';
import { SluiceError } from '../../errors.ts';
import { isPlainObject } from '../../resources/check.ts';

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

export interface WatchHandlers {
  /** The server accepted the watch. */
  opened(): void;
  /** One event; throwing ends the watch with that error. */
  event(event: WatchEvent): void;
}

const watchEventTypes = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/** How long a plain request may take. */
const REQUEST_TIMEOUT_MS = 30_000;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function apiError(method: string, path: string, status: number, body: unknown): KubeApiError {
  const parsed = typeof body === 'string' ? parseJson(body) : body;
  if (isPlainObject(parsed) && parsed.kind === 'Status') {
    return new KubeApiError(method, path, status, String(parsed.reason ?? ''), String(parsed.message ?? ''));
  }
  return new KubeApiError(method, path, status, '', typeof body === 'string' ? body.slice(0, 200) : '');
}

/**
 * Runs one call of the library's typed APIs; an error answer comes back as `KubeApiError` (`method` and
 * `path` only say, in messages, what was attempted).
 */
export async function kubeCall<T>(method: string, path: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiException) throw apiError(method, path, error.code, error.body);
    throw error;
  }
}

export class KubeClient {
  readonly config: KubeConfig;
  /** `https://host:port` of the API server. */
  readonly server: string;
  readonly #http = new IsomorphicFetchHttpLibrary();
  readonly #watch: Watch;

  constructor(config: KubeConfig) {
    const cluster = config.getCurrentCluster();
    if (!cluster)
      throw new SluiceError('kube_config_invalid', { source: 'kubeconfig', reason: 'no cluster' });
    this.config = config;
    this.server = cluster.server;
    this.#watch = new Watch(config);
  }

  /**
   * Configuration for the library's typed APIs (`new CustomObjectsApi(client.configuration())`): this
   * cluster and credentials, and every request given up after `timeoutMs`.
   */
  configuration(timeoutMs = REQUEST_TIMEOUT_MS): Configuration {
    return createConfiguration({
      baseServer: new ServerConfiguration(this.server, {}),
      authMethods: { default: this.config },
      promiseMiddleware: [
        {
          pre: async (context) => {
            context.setSignal(AbortSignal.timeout(timeoutMs));
            return context;
          },
          post: async (response) => response,
        },
      ],
    });
  }

  /** GETs `path` and resolves with the JSON object answered, as the server sent it; rejects with `KubeApiError`. */
  async get(path: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const context = new RequestContext(`${this.server}${path}`, HttpMethod.GET);
    context.setHeaderParam('Accept', 'application/json');
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    context.setSignal(signal ? AbortSignal.any([signal, timeout]) : timeout);
    await this.config.applySecurityAuthentication(context);
    const response = await this.#http.send(context).toPromise();
    const text = await response.body.text();
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
      throw apiError('GET', path, response.httpStatusCode, text);
    }
    const parsed = parseJson(text);
    if (!isPlainObject(parsed)) {
      throw new KubeApiError('GET', path, response.httpStatusCode, '', 'the answer is not a JSON object');
    }
    return parsed;
  }

  /**
   * Watches the collection at `path` with `query` (the library adds `watch=true`) until the server ends the
   * stream (resolves), the connection fails or a handler throws (rejects), or `signal` aborts (resolves).
   * A stream silent for `idleTimeoutMs` is taken as a dead connection and rejects, so the caller reconnects.
   */
  watch(
    path: string,
    query: Record<string, string>,
    handlers: WatchHandlers,
    signal: AbortSignal,
    idleTimeoutMs: number,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      let controller: AbortController | undefined;
      let finished = false;
      let idle: NodeJS.Timeout | undefined;
      const finish = (error?: unknown) => {
        if (finished) return;
        finished = true;
        clearTimeout(idle);
        signal.removeEventListener('abort', onAbort);
        controller?.abort();
        if (error === undefined) resolve();
        else reject(error);
      };
      const onAbort = () => finish();
      const armIdleTimer = () => {
        clearTimeout(idle);
        idle = setTimeout(
          () => finish(new SluiceError('kube_watch_silent', { path, seconds: idleTimeoutMs / 1000 })),
          idleTimeoutMs,
        );
      };
      const onEvent = (type: string, object: unknown) => {
        if (finished) return;
        armIdleTimer();
        if (!watchEventTypes.has(type) || !isPlainObject(object)) {
          finish(new KubeApiError('GET', path, 200, '', `unexpected watch event of type ${type}`));
          return;
        }
        try {
          handlers.event({ type: type as WatchEvent['type'], object });
        } catch (error) {
          finish(error);
        }
      };
      // The library reports a refused watch as an Error carrying the HTTP status (410 Gone among them).
      const onDone = (error: unknown) => {
        if (error === null || error === undefined || signal.aborted) finish();
        else if (error instanceof Error && 'statusCode' in error && typeof error.statusCode === 'number') {
          finish(new KubeApiError('GET', path, error.statusCode, '', error.message));
        } else finish(error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
      armIdleTimer();
      this.#watch.watch(path, query, onEvent, onDone).then(
        (opened) => {
          controller = opened;
          if (finished) opened.abort();
          else handlers.opened();
        },
        (error: unknown) => finish(error),
      );
    });
  }
}
