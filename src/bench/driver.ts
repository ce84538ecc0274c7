// Drives a planned workload through the gateway: each stage's requests leave at their arrival times (scaled
// to wall time), multi-turn conversations carry the answers of their earlier turns, and a stage ends
// once every request it sent has finished, so each stage's figures belong to its own load.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'undici';
import { type CallResult, type InferenceCall, sendCall } from './client.ts';
import type { Message, PlannedRequest, Workload } from './workload.ts';

export interface DriveOptions {
  pool: Pool;
  /** Simulated seconds per wall second, as the replicas run. */
  timeScale: number;
  /** Simulated milliseconds a request may take before it is cancelled and counted as failed. */
  requestTimeoutMs: number;
  /** Aborting it stops sending and cancels the requests in flight (deadline, Ctrl-C). */
  signal: AbortSignal;
  /** Runs before a stage's first request and after its last one finished (metrics snapshots). */
  onStage(stage: number, edge: 'start' | 'end'): Promise<void>;
  /** Asked after each stage whether to run the next (a sweep stops at its load point); default yes. */
  continueAfter?(runs: readonly StageRun[]): boolean;
}

export interface RequestRecord {
  planned: PlannedRequest;
  /** What was sent (the prefix-cache bound replays it). */
  call: InferenceCall;
  /** Wall milliseconds the request left after its planned arrival (timer slack of a busy process). */
  sendLagMs: number;
  /** Wall milliseconds a turn then waited for its conversation's previous turn to finish. */
  heldMs: number;
  result: CallResult;
}

export interface StageRun {
  stage: number;
  /** performance.now() when the stage began and when its last request finished. */
  startedAt: number;
  endedAt: number;
  /** Planned requests that were never sent (the run was stopped). */
  unsent: number;
  records: RequestRecord[];
}

interface Conversation {
  history: Message[];
  /** Settles when the conversation's latest turn has finished. */
  previous: Promise<void>;
  /** Turns sent or waiting and not finished. */
  open: number;
}

export async function driveWorkload(workload: Workload, options: DriveOptions): Promise<StageRun[]> {
  const conversations = new Map<number, Conversation>();
  const runs: StageRun[] = [];
  for (let stage = 0; stage < workload.stages.length; stage++) {
    if (options.signal.aborted) break;
    const planned = workload.requests.filter((request) => request.stage === stage);
    await options.onStage(stage, 'start');
    const startedAt = performance.now();
    const inFlight: Promise<RequestRecord>[] = [];
    for (const request of planned) {
      const due = startedAt + request.atMs / options.timeScale;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait, undefined, { signal: options.signal }).catch(() => {});
      if (options.signal.aborted) break;
      inFlight.push(send(request, due, conversations, options));
    }
    const records = await Promise.all(inFlight);
    const endedAt = records.reduce((last, record) => Math.max(last, record.result.endAt), startedAt);
    await options.onStage(stage, 'end');
    runs.push({ stage, startedAt, endedAt, unsent: planned.length - records.length, records });
    if (options.continueAfter?.(runs) === false) break;
  }
  return runs;
}

async function send(
  request: PlannedRequest,
  due: number,
  conversations: Map<number, Conversation>,
  options: DriveOptions,
): Promise<RequestRecord> {
  const sendLagMs = Math.max(0, performance.now() - due);
  let conversation: Conversation | undefined;
  let heldMs = 0;
  let finishTurn = () => {};
  if (request.conversation !== undefined) {
    const { id } = request.conversation;
    conversation = conversations.get(id) ?? { history: [], previous: Promise.resolve(), open: 0 };
    conversations.set(id, conversation);
    const earlier = conversation.previous;
    conversation.previous = new Promise((resolve) => {
      finishTurn = resolve;
    });
    if (conversation.open++ > 0) {
      const heldSince = performance.now();
      await earlier;
      heldMs = performance.now() - heldSince;
    }
  }
  const call = callFor(request, conversation?.history ?? []);
  const timeout = AbortSignal.timeout(options.requestTimeoutMs / options.timeScale);
  const result = await sendCall(options.pool, call, AbortSignal.any([options.signal, timeout]));
  if (conversation !== undefined) {
    // A failed turn leaves no trace in the conversation: the next turn asks as if it had not been asked.
    if (result.ok) {
      conversation.history.push(
        { role: 'user', content: request.prompt },
        { role: 'assistant', content: result.answer },
      );
    }
    conversation.open--;
  }
  finishTurn();
  return { planned: request, call, sendLagMs, heldMs, result };
}

function callFor(request: PlannedRequest, history: readonly Message[]): InferenceCall {
  if (request.api === 'completion')
    return {
      api: 'completion',
      model: request.model,
      prompt: request.prompt,
      outputTokens: request.outputTokens,
    };
  const messages: Message[] = [];
  if (request.system !== undefined) messages.push({ role: 'system', content: request.system });
  messages.push(...history, { role: 'user', content: request.prompt });
  return { api: 'chat', model: request.model, messages, outputTokens: request.outputTokens };
}
