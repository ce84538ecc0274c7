// Workload 3, trace replay: JSONL lines {"timestamp": ms, "input_length": n, "output_length": n, "hash_ids": [..]}
// (the Mooncake trace format) replayed as completions at their recorded times, divided by `speedup`.
//
// Hash id i stands for block i of the prompt, `blockTokens` tokens whose text comes from the id alone,
// so requests listing the same leading ids share a prompt prefix. Ids past the prompt's length are
// ignored; blocks the list does not cover get text of their own (they share with nothing).

import { SluiceError } from '../errors.ts';
import { blockText, streamFor, words } from './text.ts';
import type { PlannedRequest, Workload } from './workload.ts';

export interface TraceEntry {
  timestampMs: number;
  inputLength: number;
  outputLength: number;
  hashIds: number[];
}

export interface TraceOptions {
  model: string;
  /** Where the lines came from, for error messages and the results. */
  file: string;
  blockTokens: number;
  speedup: number;
  /** Replay at most this many lines (0 = all). */
  limit: number;
}

function invalid(file: string, line: number, reason: string): SluiceError {
  return new SluiceError('bench_invalid_trace', { file, line, reason });
}

function count(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min;
}

/** The entries of a JSONL trace (blank lines skipped), at most `limit` of them when limit > 0. */
export function parseTrace(text: string, file: string, limit = 0): TraceEntry[] {
  const entries: TraceEntry[] = [];
  const lines = text.split('\n');
  for (let at = 0; at < lines.length && (limit === 0 || entries.length < limit); at++) {
    const line = lines[at].trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw invalid(file, at + 1, `not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw invalid(file, at + 1, 'expected a JSON object');
    const { timestamp, input_length, output_length, hash_ids } = value as Record<string, unknown>;
    if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || timestamp < 0)
      throw invalid(file, at + 1, 'timestamp must be a non-negative number of milliseconds');
    if (!count(input_length, 1)) throw invalid(file, at + 1, 'input_length must be a positive integer');
    if (!count(output_length, 1)) throw invalid(file, at + 1, 'output_length must be a positive integer');
    if (!Array.isArray(hash_ids) || !hash_ids.every((id) => count(id, 0)))
      throw invalid(file, at + 1, 'hash_ids must be a list of non-negative integers');
    const previous = entries.at(-1);
    if (previous !== undefined && timestamp < previous.timestampMs)
      throw invalid(file, at + 1, 'timestamps must not go backwards');
    entries.push({
      timestampMs: timestamp,
      inputLength: input_length,
      outputLength: output_length,
      hashIds: hash_ids,
    });
  }
  if (entries.length === 0) throw invalid(file, lines.length, 'the trace has no requests');
  return entries;
}

/** The prompt of one entry: its blocks' text, the last block cut to the remaining length. */
export function tracePrompt(entry: TraceEntry, index: number, blockTokens: number): string {
  let text = '';
  for (let block = 0; block * blockTokens < entry.inputLength; block++) {
    const tokens = Math.min(blockTokens, entry.inputLength - block * blockTokens);
    const id = entry.hashIds[block];
    text +=
      id === undefined ? ` ${words(streamFor('trace-unique', index, block), tokens)}` : blockText(id, tokens);
  }
  return text;
}

export function traceWorkload(entries: readonly TraceEntry[], options: TraceOptions): Workload {
  const start = entries[0].timestampMs;
  const requests: PlannedRequest[] = entries.map((entry, index) => ({
    index,
    stage: 0,
    atMs: (entry.timestampMs - start) / options.speedup,
    api: 'completion',
    model: options.model,
    prompt: tracePrompt(entry, index, options.blockTokens),
    outputTokens: entry.outputLength,
  }));
  // The stage lasts until the last arrival (at least a millisecond, for a one-line trace).
  const durationMs = Math.max(1, requests[requests.length - 1].atMs);
  return {
    name: 'trace',
    parameters: {
      file: options.file,
      blockTokens: options.blockTokens,
      speedup: options.speedup,
      limit: options.limit,
      requests: requests.length,
    },
    stages: [{ qps: (requests.length * 1000) / durationMs, durationMs }],
    requests,
  };
}
