// Retry (HTTPRoute `retry`): a try that fails before any response byte went to the client — a listed
// status, a refused or reset connection, a per-try timeout — is sent again to the cluster's next endpoint,
// up to `attempts` more times and at least `backoffMs` apart. The last try's answer goes to the client as
// it is. The forwarder's request timeout bounds all tries together; `backendRequestMs` bounds each (here).
//
// Bodies are replayed from memory: a request body is read up to `replayableBodyBytes` before the first
// try; a larger one streams through and gets that single try.

import { PassThrough, type Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { SluiceError } from '../../errors.ts';
import type { IRRetry } from '../../ir/types.ts';
import type { HeaderRecord } from '../filters/header-modifier.ts';
import type { ClusterRuntime, UpstreamEndpoint } from './clusters.ts';
import type { SendTry } from './tries.ts';
import { upstreamFailureKind } from './upstream-errors.ts';

/** Request bodies up to this size can be re-sent; larger ones are never retried. */
export const replayableBodyBytes = 64 * 1024;

/** A retried try's answer is read up to this much (so its connection is kept), then cut. */
const drainLimitBytes = 64 * 1024;

export interface RetryPolicy {
  codes: ReadonlySet<number>;
  /** Retries after the first try. */
  attempts: number;
  backoffMs: number;
  /** Budget of one try in ms (the route's `backendRequestMs`); 0: none. */
  tryTimeoutMs: number;
}

export function compileRetry(retry: IRRetry, backendRequestMs: number): RetryPolicy {
  return {
    codes: new Set(retry.codes),
    attempts: retry.attempts,
    backoffMs: retry.backoffMs,
    tryTimeoutMs: backendRequestMs,
  };
}

/** The reason given to undici for a try the gateway stopped waiting for. */
const abandonedTry = new Error('the gateway abandoned this try');

type TryState = 'pending' | 'committed' | 'draining' | 'abandoned';

/** One try: reports to the request that made it, which decides whether the client sees it. */
class Try implements Dispatcher.DispatchHandler {
  readonly endpoint: UpstreamEndpoint;
  readonly #request: RetryingRequest;
  controller: Dispatcher.DispatchController | null = null;
  state: TryState = 'pending';
  timer: NodeJS.Timeout | null = null;
  #drained = 0;

  constructor(request: RetryingRequest, endpoint: UpstreamEndpoint) {
    this.#request = request;
    this.endpoint = endpoint;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.state === 'abandoned') controller.abort(abandonedTry);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: HeaderRecord,
    statusMessage?: string,
  ): void {
    if (this.state === 'pending') this.#request.responseStarted(this, statusCode, headers, statusMessage);
    else controller.abort(abandonedTry);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.state === 'committed') {
      this.#request.responseData(chunk);
      return;
    }
    this.#drained += chunk.length;
    if (this.#drained > drainLimitBytes) controller.abort(abandonedTry);
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, trailers: HeaderRecord): void {
    this.#clearTimer();
    if (this.state === 'committed') this.#request.responseEnded(trailers);
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    this.#clearTimer();
    if (this.state === 'committed' || this.state === 'pending') this.#request.tryFailed(this, error);
  }

  /** Stops caring about this try; undici is told as soon as it has started it. */
  abandon(): void {
    this.#clearTimer();
    this.state = 'abandoned';
    this.controller?.abort(abandonedTry);
  }

  #clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

function onTryTimeout(request: RetryingRequest, attempt: Try): void {
  request.tryTimedOut(attempt);
}

function onBackoffOver(request: RetryingRequest): void {
  request.sendNextTry();
}

/**
 * One request under a retry policy. To the forwarder it is both the dispatcher (it is handed the
 * request once) and the controller (pause, resume and abort reach the try whose answer the client gets).
 */
export class RetryingRequest implements Dispatcher.DispatchController {
  readonly #policy: RetryPolicy;
  readonly #cluster: ClusterRuntime;
  readonly #send: SendTry;
  #handler: Dispatcher.DispatchHandler | null = null;
  #options: Dispatcher.DispatchOptions | null = null;
  /** What each try sends: nothing, the buffered body, or (one try only) the body stream. */
  #body: Dispatcher.DispatchOptions['body'] = null;
  #nextEndpoint: UpstreamEndpoint;
  #retriesLeft: number;
  #tries = 0;
  #current: Try | null = null;
  #backoff: NodeJS.Timeout | null = null;
  #stopBuffering: (() => void) | null = null;
  /** The handler has had its final call (end or error); nothing more goes to it. */
  #settled = false;
  #aborted = false;
  #paused = false;
  #reason: Error | null = null;

  constructor(policy: RetryPolicy, cluster: ClusterRuntime, first: UpstreamEndpoint, send: SendTry) {
    this.#policy = policy;
    this.#cluster = cluster;
    this.#nextEndpoint = first;
    this.#send = send;
    this.#retriesLeft = policy.attempts;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get reason(): Error | null {
    return this.#reason;
  }

  get rawHeaders(): Dispatcher.DispatchController['rawHeaders'] {
    return this.#committed()?.rawHeaders;
  }

  get rawTrailers(): Dispatcher.DispatchController['rawTrailers'] {
    return this.#committed()?.rawTrailers;
  }

  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.#options = options;
    this.#handler = handler;
    handler.onRequestStart?.(this, {});
    if (this.#aborted) return true;
    const { body } = options;
    if (!isReadable(body)) {
      // No body, or one already in memory: every try can send it as it is.
      this.#body = body ?? null;
      this.sendNextTry();
      return true;
    }
    this.#stopBuffering = bufferBody(body, (buffered) => {
      this.#stopBuffering = null;
      if (buffered instanceof Error) {
        this.#settle(buffered);
        return;
      }
      if (!Buffer.isBuffer(buffered)) this.#retriesLeft = 0;
      this.#body = buffered;
      this.sendNextTry();
    });
    return true;
  }

  abort(reason: Error): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#stopBuffering?.();
    if (this.#backoff !== null) clearTimeout(this.#backoff);
    const current = this.#current;
    if (current?.state === 'committed' && current.controller !== null) {
      // undici reports the abort back through the try's onResponseError, which settles the handler.
      current.controller.abort(reason);
      return;
    }
    current?.abandon();
    this.#settle(reason);
  }

  pause(): void {
    this.#paused = true;
    this.#committed()?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#committed()?.resume();
  }

  sendNextTry(): void {
    this.#backoff = null;
    const options = this.#options;
    if (this.#aborted || options === null) return;
    const attempt = new Try(this, this.#nextEndpoint);
    this.#current = attempt;
    this.#tries++;
    if (this.#policy.tryTimeoutMs > 0)
      attempt.timer = setTimeout(onTryTimeout, this.#policy.tryTimeoutMs, this, attempt);
    this.#send(attempt.endpoint, { ...options, body: this.#body }, attempt);
  }

  responseStarted(attempt: Try, statusCode: number, headers: HeaderRecord, statusMessage?: string): void {
    if (this.#policy.codes.has(statusCode) && this.#mayRetry()) {
      attempt.state = 'draining';
      this.#retryLater();
      return;
    }
    attempt.state = 'committed';
    this.#handler?.onResponseStart?.(this, statusCode, headers, statusMessage);
  }

  responseData(chunk: Buffer): void {
    this.#handler?.onResponseData?.(this, chunk);
  }

  responseEnded(trailers: HeaderRecord): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#handler?.onResponseEnd?.(this, trailers);
  }

  tryFailed(attempt: Try, error: Error): void {
    if (attempt.state === 'committed' || this.#aborted) {
      this.#settle(error);
      return;
    }
    attempt.state = 'abandoned';
    const kind = upstreamFailureKind(error);
    const retryable = kind === 'connect' || kind === 'reset' || kind === 'timeout';
    if (retryable && this.#mayRetry()) {
      this.#retryLater();
      return;
    }
    const exhausted = retryable && kind !== 'timeout' && this.#tries > 1;
    this.#settle(
      exhausted
        ? new SluiceError('upstream_retries_exhausted', {
            tries: this.#tries,
            endpoint: attempt.endpoint.origin,
            reason: reasonOf(error),
          })
        : error,
    );
  }

  tryTimedOut(attempt: Try): void {
    attempt.timer = null;
    const timeout = new SluiceError('upstream_timeout', { ms: this.#policy.tryTimeoutMs });
    if (attempt.state === 'committed') {
      // Response bytes already went out: the forwarder cuts the client connection on this error.
      attempt.controller?.abort(timeout);
      return;
    }
    const pending = attempt.state === 'pending';
    attempt.abandon();
    if (!pending) return;
    if (this.#mayRetry()) this.#retryLater();
    else this.#settle(timeout);
  }

  #mayRetry(): boolean {
    return !this.#aborted && this.#retriesLeft > 0;
  }

  #retryLater(): void {
    this.#retriesLeft--;
    this.#nextEndpoint = this.#cluster.endpoints.next() ?? this.#nextEndpoint;
    this.#backoff = setTimeout(onBackoffOver, this.#policy.backoffMs, this);
  }

  #committed(): Dispatcher.DispatchController | null {
    const current = this.#current;
    return current?.state === 'committed' ? current.controller : null;
  }

  #settle(error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#handler?.onResponseError?.(this, error);
  }
}

function isReadable(body: unknown): body is Readable {
  return typeof body === 'object' && body !== null && typeof Reflect.get(body, 'pipe') === 'function';
}

function reasonOf(error: Error): string {
  const code: unknown = Reflect.get(error, 'code');
  return typeof code === 'string' ? code : error.message;
}

/**
 * Reads `body` until it ends (→ one Buffer) or passes `replayableBodyBytes` (→ a stream of what was read
 * followed by the rest). Returns a function that stops reading for a request that is given up.
 */
function bufferBody(body: Readable, done: (result: Buffer | Readable | Error) => void): () => void {
  const chunks: Buffer[] = [];
  let size = 0;
  const stop = () => {
    body.off('data', onData);
    body.off('end', onEnd);
    body.off('error', onError);
    body.off('close', onClose);
  };
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size <= replayableBodyBytes) return;
    stop();
    const rest = new PassThrough();
    for (const read of chunks) rest.write(read);
    // The client leaving mid-body must not look like a complete body upstream.
    body.once('close', () => {
      if (!body.readableEnded) rest.destroy();
    });
    body.pipe(rest);
    done(rest);
  };
  const onEnd = () => {
    stop();
    done(Buffer.concat(chunks, size));
  };
  const onError = (error: Error) => {
    stop();
    done(error);
  };
  const onClose = () => {
    if (body.readableEnded) return;
    stop();
    done(new Error('the client request body ended early'));
  };
  body.on('data', onData);
  body.on('end', onEnd);
  body.on('error', onError);
  body.on('close', onClose);
  return stop;
}
