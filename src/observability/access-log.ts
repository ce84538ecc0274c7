// The access log: one JSON line per inference request, in the structured log's shape, written off the
// request path — lines are batched and written once per event-loop turn, so a burst of requests costs
// one write, not one each.
//
// Off unless `SLUICE_ACCESS_LOG` names where to write: `stdout`, or a file (appended to).

import { createWriteStream } from 'node:fs';
import { log } from './log.ts';

/** Takes a batch of complete lines. */
export type AccessLogSink = (lines: string) => void;

function sinkFromEnv(): AccessLogSink | null {
  const target = process.env.SLUICE_ACCESS_LOG ?? '';
  if (target === '' || target === 'off') return null;
  if (target === 'stdout') return (lines) => process.stdout.write(lines);
  const file = createWriteStream(target, { flags: 'a' });
  // A log that cannot be written (no such directory, disk full) stops; it never takes the gateway down.
  file.on('error', (error) => {
    log.error('the access log cannot be written; it is off from now on', {
      file: target,
      error: error.message,
    });
    sink = null;
  });
  return (lines) => file.write(lines);
}

let sink = sinkFromEnv();
let pending: string[] = [];

/** Replaces where access lines go (`null`: off); tests capture them this way. */
export function setAccessLog(next: AccessLogSink | null): void {
  sink = next;
}

/** Whether entries are wanted at all: callers skip building them otherwise. */
export function accessLogEnabled(): boolean {
  return sink !== null;
}

/** Queues one entry; fields left undefined are omitted. */
export function writeAccessLog(msg: string, fields: Record<string, unknown>): void {
  if (sink === null) return;
  if (pending.length === 0) setImmediate(flush);
  pending.push(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg, ...fields }));
}

function flush(): void {
  const lines = pending;
  pending = [];
  if (sink !== null && lines.length > 0) sink(`${lines.join('\n')}\n`);
}
