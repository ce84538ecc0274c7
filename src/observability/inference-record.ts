// What one inference request did, gathered as it happens — admission, the pick, the answer's first
// byte, its end — and reported once when it ends: to the inference metrics and to the access log.

import type { SluiceError } from '../errors.ts';
import type { Admission } from '../inference/flowcontrol/controller.ts';
import type { SchedulingResult } from '../inference/scheduling/types.ts';
import { accessLogEnabled, writeAccessLog } from './access-log.ts';
import type { ObjectiveMeter, PoolMeter, QueueOutcome } from './inference-metrics.ts';

/** What is known of a request before the picker sees it. */
export interface InferenceRequestFacts {
  requestId: string;
  method: string;
  path: string;
  gateway: string;
  listener: string;
  route: string;
  model: string;
  /** The model sent upstream, after a rewrite. */
  targetModel: string;
  /** The InferenceObjective named by `x-gateway-inference-objective`, when one was. */
  objective: string | undefined;
  priority: number;
  fairnessId: string;
  requestBytes: number;
}

/** How the request ended for the client. */
export interface RequestEnd {
  /** The status the client got; 499 when it went away first. */
  status: number;
  /** Whether the client got the answer whole. */
  complete: boolean;
  servedEndpoint: string | undefined;
  promptTokens?: number;
  completionTokens?: number;
  cachedTokens?: number;
}

/** A rejection's error code as upstream's flow-control outcome. */
const queueOutcomes: Record<string, QueueOutcome> = {
  request_shed: 'RejectedCapacity',
  queue_full: 'RejectedCapacity',
  queue_timeout: 'EvictedTTL',
  queue_cancelled: 'EvictedContextCancelled',
};

export class InferenceRecord {
  readonly #facts: InferenceRequestFacts;
  readonly #pool: PoolMeter;
  readonly #objective: ObjectiveMeter;
  readonly #startedAt: number;
  #queueMs: number | undefined;
  #endpoint: string | undefined;
  /** Counted as running (it got an endpoint). */
  #running = false;
  #streamed = false;
  #firstByteAt: number | undefined;
  #responseBytes = 0;
  /** The error the gateway answered or cut the answer with. */
  #error: SluiceError | undefined;
  #reason: string | undefined;

  /** `startedAt`: `performance.now()` when the request arrived. */
  constructor(pool: PoolMeter, facts: InferenceRequestFacts, startedAt: number) {
    this.#pool = pool;
    this.#facts = facts;
    this.#startedAt = startedAt;
    this.#objective = pool.objective(facts.model, facts.targetModel);
  }

  /** The flow-control decision; with the gate on, the wait is measured whatever the outcome. */
  admission(admission: Admission): void {
    this.#queueMs = admission.waitedMs;
    if (!this.#pool.picker.config.flowControl.enabled) return;
    const outcome = admission.admitted ? 'Dispatched' : queueOutcomes[admission.error.code];
    if (outcome === undefined) return;
    const { fairnessId, priority } = this.#facts;
    this.#objective.queued(fairnessId, priority, outcome, admission.waitedMs / 1000);
  }

  /** The pick: primary endpoint and how long scheduling took. */
  scheduled(result: SchedulingResult, primary: string, seconds: number): void {
    this.#pool.scheduled(seconds, result);
    this.#endpoint = primary;
    this.#running = true;
    this.#objective.started(this.#facts.priority, this.#facts.requestBytes);
  }

  /** The gateway refused the request or failed it; `reason` is the refusal header's value, if any. */
  failed(error: SluiceError, reason?: string): void {
    this.#error = error;
    this.#reason = reason;
  }

  /** The endpoint's answer begins; only a stream's first byte is a first token. */
  answerStarted(contentType: string | undefined): void {
    this.#streamed = contentType?.trimStart().toLowerCase().startsWith('text/event-stream') === true;
  }

  /** A chunk of the answer came from the endpoint. */
  received(bytes: number): void {
    this.#firstByteAt ??= performance.now();
    this.#responseBytes += bytes;
  }

  ended(end: RequestEnd): void {
    const now = performance.now();
    const durationSeconds = (now - this.#startedAt) / 1000;
    const ttftSeconds =
      this.#streamed && this.#firstByteAt !== undefined
        ? (this.#firstByteAt - this.#startedAt) / 1000
        : undefined;
    const objective = this.#objective;
    if (this.#running) objective.ended();
    if (this.#error !== undefined) objective.failed(this.#error.code);
    else if (end.status >= 400 && end.status !== 499) objective.failed('model_server_error');
    else if (end.complete)
      objective.completed({
        durationSeconds,
        ttftSeconds,
        responseBytes: this.#responseBytes,
        promptTokens: end.promptTokens,
        completionTokens: end.completionTokens,
        cachedTokens: end.cachedTokens,
      });
    if (accessLogEnabled()) this.#log(end, durationSeconds, ttftSeconds);
  }

  #log(end: RequestEnd, durationSeconds: number, ttftSeconds: number | undefined): void {
    const facts = this.#facts;
    writeAccessLog('inference request', {
      requestId: facts.requestId,
      method: facts.method,
      path: facts.path,
      gateway: facts.gateway,
      listener: facts.listener,
      route: facts.route,
      pool: this.#pool.picker.pool,
      model: facts.model,
      targetModel: facts.targetModel,
      objective: facts.objective,
      priority: facts.priority,
      fairnessId: facts.fairnessId,
      endpoint: this.#endpoint,
      servedEndpoint: end.servedEndpoint,
      status: end.status,
      error: this.#error?.code,
      reason: this.#reason,
      stream: this.#streamed,
      requestBytes: facts.requestBytes,
      responseBytes: this.#responseBytes,
      promptTokens: end.promptTokens,
      completionTokens: end.completionTokens,
      cachedTokens: end.cachedTokens,
      queueMs: this.#queueMs === undefined ? undefined : round(this.#queueMs),
      ttftMs: ttftSeconds === undefined ? undefined : round(ttftSeconds * 1000),
      durationMs: round(durationSeconds * 1000),
    });
  }
}

/** Milliseconds to 0.1 ms: finer digits are noise in a log line. */
function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
