// Sends a request routed to an InferencePool: the pool's endpoint picker admits and places it, the
// primary endpoint gets it, and the next endpoint of the pick gets it again when the one before could not
// be reached or answered 5xx before any byte went to the client. The answer streams back with
// backpressure, read on the way for token usage and model renames, and the pick is finished exactly once
// whatever happens (answer, failure, timeout, client gone) — which is also when the request is reported
// to the inference metrics and the access log.

import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { type ErrorCode, SluiceError } from '../../errors.ts';
import type { Admission } from '../../inference/flowcontrol/controller.ts';
import type { FinishReport, Pick } from '../../inference/picker.ts';
import { inferenceHeaders } from '../../inference/requestcontrol/headers.ts';
import { objectivePriority, schedulingRequest } from '../../inference/requestcontrol/request.ts';
import type { SchedulingRequest } from '../../inference/scheduling/types.ts';
import { PoolMeter } from '../../observability/inference-metrics.ts';
import { InferenceRecord } from '../../observability/inference-record.ts';
import type { Exchange } from '../exchange.ts';
import { type HeaderRecord, removeFromHeaderList } from '../filters/header-modifier.ts';
import { upstreamIdleTimeoutMs } from '../forward/pools.ts';
import { clientResponseHeaders, type ForwardTimeouts } from '../forward/upstream.ts';
import { upstreamFailure, upstreamFailureKind } from '../forward/upstream-errors.ts';
import { markRefusal, refusalReason } from './openai-errors.ts';
import type { PoolRuntime } from './pools.ts';
import { type ResponseTap, responseTap } from './response.ts';
import { modelRenamer, rewriteBodyModel, rewriteTarget } from './rewrite.ts';

/** Headers only the gateway sets upstream; a client's own are dropped. */
const gatewayOwned = new Set<string>([
  inferenceHeaders.destinationEndpoint,
  inferenceHeaders.destinationEndpointServed,
]);
/** The same, for a body held in memory: undici sets its length (a rewrite changes it). */
const gatewayOwnedWithLength = new Set<string>([...gatewayOwned, 'content-length']);

/** Reason given to undici for a try the gateway no longer wants. */
const abandoned = new Error('the gateway abandoned this try');

/** Sends the exchange to the pool; errors are answered in OpenAI's shape. */
export function forwardToPool(exchange: Exchange, pool: PoolRuntime, timeouts: ForwardTimeouts): void {
  exchange.openAiErrors = true;
  new PoolRequest(exchange, pool).start(timeouts);
}

class PoolRequest {
  readonly exchange: Exchange;
  readonly #pool: PoolRuntime;
  readonly #request: SchedulingRequest;
  /** What the request did, for the metrics and the access log. */
  readonly #record: InferenceRecord;
  /** Cancels waiting in the pool's admission queue. */
  readonly #abort = new AbortController();
  #body: Buffer | Readable | null = null;
  /** Turns the target model's name back into the requested one, under a rewrite. */
  #rename: ((text: string) => string) | null = null;
  /** The admission, settled with the tokens the request used once the answer reports them. */
  #pick: Pick | null = null;
  #headers: string[] = [];
  /** Index in `pick.endpoints` of the current try. */
  #index = 0;
  #attempt: PoolTry | null = null;
  #tap: ResponseTap | null = null;
  #status = 0;
  #served: string | undefined;
  #backendRequestMs = 0;
  #requestTimer: NodeJS.Timeout | null = null;
  /** The pick is finished (or was never made and never will be). */
  #settled = false;

  constructor(exchange: Exchange, pool: PoolRuntime) {
    this.exchange = exchange;
    this.#pool = pool;
    const parsed = exchange.inference;
    const model = parsed?.model ?? exchange.header(inferenceHeaders.modelName) ?? '';
    const target =
      exchange.header(inferenceHeaders.modelNameRewrite) || rewriteTarget(this.#pool.rewrites, model);
    if (parsed !== null && target !== undefined && target !== model) {
      this.#body = rewriteBodyModel(parsed.body, target);
      this.#rename = modelRenamer(target, model);
    } else {
      this.#body = exchange.upstreamBody();
    }
    const headers = exchange.req.headers;
    const request = schedulingRequest({
      model,
      targetModel: target ?? model,
      prompt: parsed?.prompt ?? '',
      headers,
      priority: objectivePriority(headers, this.#pool.objectives),
      bodyBytes: parsed?.bodyBytes ?? 0,
      maxTokens: parsed?.maxTokens,
      cacheSalt: parsed?.cacheSalt,
    });
    this.#request = request;
    const { gateway, listener, route } = exchange.meter.labels;
    this.#record = new InferenceRecord(
      PoolMeter.for(pool.picker),
      {
        requestId: request.id,
        method: exchange.method,
        path: exchange.path,
        gateway,
        listener,
        route,
        model,
        targetModel: request.targetModel,
        objective: request.headers[inferenceHeaders.objective],
        priority: request.priority,
        fairnessId: request.fairnessId,
        requestBytes: request.bodyBytes,
      },
      exchange.startedAt,
    );
  }

  start({ requestMs, backendRequestMs }: ForwardTimeouts): void {
    const { exchange } = this;
    exchange.res.on('close', () => this.#clientClosed());
    this.#backendRequestMs = backendRequestMs;
    if (requestMs > 0) {
      const remaining = Math.max(1, requestMs - (performance.now() - exchange.startedAt));
      this.#requestTimer = setTimeout(() => this.timedOut('request_timeout', requestMs), remaining);
    }
    // Admission and scheduling apart (rather than `picker.schedule`), so the wait and the decision are
    // measured each.
    this.#pool.picker.admit(this.#request, this.#abort.signal).then(
      (admission) => this.#admitted(admission),
      (error: unknown) => this.#rejected(error),
    );
  }

  #admitted(admission: Admission): void {
    this.#record.admission(admission);
    if (!admission.admitted) {
      this.#rejected(admission.error);
      return;
    }
    if (this.#settled) {
      admission.release();
      return;
    }
    const started = performance.now();
    let pick: Pick;
    try {
      // Releases the ticket when it throws.
      pick = this.#pool.picker.pick(this.#request, { ticket: admission });
    } catch (error) {
      this.#rejected(error);
      return;
    }
    this.#record.scheduled(pick, pick.endpoints[0].id, (performance.now() - started) / 1000);
    this.#picked(pick);
  }

  #picked(pick: Pick): void {
    this.#pick = pick;
    const headers = [...this.exchange.upstreamHeaders];
    removeFromHeaderList(headers, Buffer.isBuffer(this.#body) ? gatewayOwnedWithLength : gatewayOwned);
    headers.push(inferenceHeaders.destinationEndpoint, pick.destination);
    this.#headers = headers;
    const { req, res } = this.exchange;
    // A streamed body is asked for only now that it goes somewhere (a read body was asked for already).
    if (!Buffer.isBuffer(this.#body) && req.headers.expect?.toLowerCase() === '100-continue')
      res.writeContinue();
    this.#send(0);
  }

  #rejected(error: unknown): void {
    if (this.#settled) return;
    const failure =
      error instanceof SluiceError
        ? error
        : new SluiceError('pool_pick_failed', { pool: this.#pool.id, reason: String(error) });
    const reason = refusalReason(failure);
    if (reason !== undefined) markRefusal(this.exchange.res, reason);
    this.#record.failed(failure, reason);
    this.exchange.replyError(failure);
    this.#settle({ status: failure.status });
  }

  #send(index: number): void {
    const endpoint = this.#pick?.endpoints[index];
    if (endpoint === undefined) return;
    this.#index = index;
    const upstream = this.#pool.upstreams.get(endpoint.id);
    const attempt = new PoolTry(this, endpoint.id, upstream?.origin ?? endpoint.id);
    this.#attempt = attempt;
    if (upstream === undefined) {
      // The picker already knows an endpoint this request's configuration did not have (an IR swap).
      this.tryFailed(
        attempt,
        new SluiceError('upstream_connect_failed', { endpoint: endpoint.id, reason: 'not configured yet' }),
      );
      return;
    }
    if (this.#backendRequestMs > 0)
      attempt.timer = setTimeout(
        () => this.timedOut('upstream_timeout', this.#backendRequestMs),
        this.#backendRequestMs,
      );
    const { exchange } = this;
    upstream.dispatcher.dispatch(
      {
        path: exchange.upstreamPath + exchange.query,
        method: exchange.method,
        headers: this.#headers,
        body: this.#body,
      },
      attempt,
    );
  }

  /** Another endpoint may get the request: the pick names one more, and the body can be sent again. */
  #canFallBack(): boolean {
    const pick = this.#pick;
    if (pick === null || this.#index + 1 >= pick.endpoints.length) return false;
    return this.#body === null || Buffer.isBuffer(this.#body);
  }

  responseStarted(attempt: PoolTry, status: number, headers: HeaderRecord): void {
    if (this.#settled) {
      attempt.abandon();
      return;
    }
    if (status >= 500 && this.#canFallBack()) {
      attempt.abandon();
      this.#send(this.#index + 1);
      return;
    }
    attempt.state = 'committed';
    this.#status = status;
    this.#served = attempt.endpoint;
    this.#record.answerStarted(single(headers['content-type']));
    this.#tap = responseTap(
      single(headers['content-type']),
      single(headers['content-encoding']),
      this.#rename,
    );
    const client = clientResponseHeaders(this.exchange, headers);
    client[inferenceHeaders.destinationEndpointServed] = attempt.endpoint;
    for (const [name, value] of this.#pick?.responseHeaders(attempt.endpoint) ?? []) {
      // Appended, not replaced: the model server's own Set-Cookie stays.
      const present = client[name];
      client[name] = present === undefined ? value : [present, value].flat();
    }
    if (this.#tap?.changesLength) delete client['content-length'];
    this.exchange.res.writeHead(status, client);
  }

  responseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    // The first body bytes of a stream mean the prefill is over; the picker's load accounting uses it.
    this.#pick?.firstChunk();
    this.#record.received(chunk.length);
    const out = this.#tap === null ? chunk : this.#tap.write(chunk);
    if (out === null || out.length === 0) return;
    if (!this.exchange.res.write(out)) {
      controller.pause();
      this.exchange.res.once('drain', () => controller.resume());
    }
  }

  responseEnded(trailers: HeaderRecord): void {
    if (this.#settled) return;
    const { res } = this.exchange;
    const rest = this.#tap?.end() ?? null;
    if (rest !== null && rest.length > 0) res.write(rest);
    // gRPC model servers (h2c pools) end calls with trailers.
    for (const _ in trailers) {
      res.addTrailers(trailers);
      break;
    }
    res.end();
    this.exchange.finish(this.#status);
    const usage = this.#tap?.usage;
    this.#settle(
      {
        servedEndpoint: this.#served,
        status: this.#status,
        promptTokens: usage?.promptTokens,
        completionTokens: usage?.completionTokens,
        cachedTokens: usage?.cachedTokens,
      },
      true,
    );
  }

  tryFailed(attempt: PoolTry, error: Error): void {
    if (this.#settled) return;
    const { exchange } = this;
    if (attempt.state === 'committed') {
      // The status line is gone: cutting the connection is the only way to tell the client.
      exchange.res.destroy();
      exchange.finish(this.#status);
      this.#record.failed(upstreamFailure(error, attempt.origin, upstreamIdleTimeoutMs));
      this.#settle({ servedEndpoint: this.#served, status: this.#status });
      return;
    }
    attempt.abandon();
    const kind = upstreamFailureKind(error);
    if ((kind === 'connect' || kind === 'reset') && this.#canFallBack()) {
      this.#send(this.#index + 1);
      return;
    }
    const failure = upstreamFailure(error, attempt.origin, upstreamIdleTimeoutMs);
    this.#record.failed(failure);
    exchange.replyError(failure);
    this.#settle({ status: failure.status });
  }

  timedOut(code: ErrorCode, ms: number): void {
    if (this.#settled) return;
    const { exchange } = this;
    const error = new SluiceError(code, { ms });
    this.#record.failed(error);
    let status = this.#status;
    if (exchange.res.headersSent) {
      exchange.res.destroy();
      exchange.finish(status);
    } else {
      exchange.replyError(error);
      status = error.status;
    }
    this.#abort.abort();
    this.#attempt?.abandon();
    this.#settle({ servedEndpoint: this.#served, status });
  }

  #clientClosed(): void {
    if (this.#settled) return;
    this.exchange.finish(499);
    this.#abort.abort();
    this.#attempt?.abandon();
    this.#settle({ servedEndpoint: this.#served });
  }

  /**
   * Finishes the pick, once: the flow is charged the tokens the answer reported, in-flight counts and the
   * admission ticket are released (all by the picker), and the record reports the request. `complete`: the client got the
   * whole answer. A report without a status is a client that went away (499).
   */
  #settle(report: FinishReport, complete = false): void {
    this.#settled = true;
    const { promptTokens, completionTokens } = report;
    if (this.#requestTimer !== null) clearTimeout(this.#requestTimer);
    this.#requestTimer = null;
    const attempt = this.#attempt;
    if (attempt !== null && attempt.timer !== null) clearTimeout(attempt.timer);
    this.#pick?.finish(report);
    this.#record.ended({
      status: report.status ?? 499,
      complete,
      servedEndpoint: report.servedEndpoint,
      promptTokens,
      completionTokens,
      cachedTokens: report.cachedTokens,
    });
  }
}

/** One try of the request, to one endpoint of the pick. */
class PoolTry implements Dispatcher.DispatchHandler {
  readonly endpoint: string;
  /** Names the endpoint in error messages. */
  readonly origin: string;
  readonly #request: PoolRequest;
  state: 'pending' | 'committed' | 'abandoned' = 'pending';
  timer: NodeJS.Timeout | null = null;
  #controller: Dispatcher.DispatchController | null = null;

  constructor(request: PoolRequest, endpoint: string, origin: string) {
    this.#request = request;
    this.endpoint = endpoint;
    this.origin = origin;
  }

  abandon(): void {
    if (this.state === 'abandoned') return;
    this.state = 'abandoned';
    if (this.timer !== null) clearTimeout(this.timer);
    this.#controller?.abort(abandoned);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.state === 'abandoned') controller.abort(abandoned);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: HeaderRecord,
  ): void {
    if (this.state === 'pending') this.#request.responseStarted(this, statusCode, headers);
    else controller.abort(abandoned);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.state === 'committed') this.#request.responseData(controller, chunk);
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, trailers: HeaderRecord): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.state === 'committed') this.#request.responseEnded(trailers);
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.state !== 'abandoned') this.#request.tryFailed(this, error);
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
