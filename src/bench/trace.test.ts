import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SluiceError } from '../errors.ts';
import { encodeText } from '../sim/tokenizer.ts';
import { blockText } from './text.ts';
import { parseTrace, tracePrompt, traceWorkload } from './trace.ts';

const lines = [
  '{"timestamp": 0, "input_length": 1000, "output_length": 20, "hash_ids": [1, 2]}',
  '',
  '{"timestamp": 500, "input_length": 700, "output_length": 30, "hash_ids": [1, 3]}',
  '{"timestamp": 2000, "input_length": 1300, "output_length": 5, "hash_ids": [1]}',
].join('\n');

describe('trace parsing', () => {
  it('reads entries, skips blank lines and stops at the limit', () => {
    const entries = parseTrace(lines, 't.jsonl');
    assert.equal(entries.length, 3);
    assert.deepEqual(entries[1], { timestampMs: 500, inputLength: 700, outputLength: 30, hashIds: [1, 3] });
    assert.equal(parseTrace(lines, 't.jsonl', 2).length, 2);
  });

  it('names the file and line of a bad entry', () => {
    const bad = [
      '{"timestamp": 0, "input_length": 1, "output_length": 1, "hash_ids": []}',
      '{"timestamp": 1}',
    ];
    assert.throws(
      () => parseTrace(bad.join('\n'), 'bad.jsonl'),
      (error: unknown) =>
        error instanceof SluiceError &&
        error.code === 'bench_invalid_trace' &&
        error.message.startsWith('bad.jsonl:2: input_length'),
    );
    assert.throws(() => parseTrace('not json', 'x'), /x:1: not JSON/);
    assert.throws(() => parseTrace('', 'x'), /no requests/);
  });
});

describe('trace block text', () => {
  it('makes prompts of exactly input_length tokens', () => {
    for (const [index, entry] of parseTrace(lines, 't').entries())
      assert.equal(encodeText(tracePrompt(entry, index, 512)).length, entry.inputLength);
  });

  it('derives a block from its id alone, so equal leading ids share a prefix', () => {
    const [first, second, third] = parseTrace(lines, 't');
    assert.equal(tracePrompt(first, 0, 512), blockText(1, 512) + blockText(2, 488));
    assert.equal(tracePrompt(second, 1, 512), blockText(1, 512) + blockText(3, 188));
    assert.ok(blockText(2, 512).startsWith(blockText(2, 488)), 'a cut block is a prefix of the full one');
    // Blocks past the listed ids are the request's own: the same entry at another position differs there.
    const own = tracePrompt(third, 2, 512);
    assert.ok(own.startsWith(blockText(1, 512)));
    assert.notEqual(tracePrompt(third, 3, 512), own);
  });

  it('replays at the recorded times divided by the speedup, as completions', () => {
    const workload = traceWorkload(parseTrace(lines, 't'), {
      model: 'm',
      file: 't',
      blockTokens: 512,
      speedup: 2,
      limit: 0,
    });
    assert.deepEqual(
      workload.requests.map((request) => [request.atMs, request.api, request.outputTokens]),
      [
        [0, 'completion', 20],
        [250, 'completion', 30],
        [1000, 'completion', 5],
      ],
    );
    assert.equal(workload.stages.length, 1);
    assert.equal(workload.stages[0].qps, 3);
  });
});
