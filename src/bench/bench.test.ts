import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runBench } from '../cli/bench.ts';
import { comparedFigures } from './figures.ts';

const figureFields = [
  'offeredQps',
  'requests',
  'unsent',
  'succeeded',
  'successRate',
  'ttftMs',
  'itlMs',
  'e2eMs',
  'outputTokensPerSecond',
  'prefixCacheHitRate',
  'engineTtftMeanMs',
  'preemptions',
  'durationSeconds',
  'sendLagMsP99',
  'heldTurns',
  'requestsPerEndpoint',
];

function assertFigures(figures: Record<string, unknown>, where: string): void {
  assert.deepEqual(Object.keys(figures).sort(), [...figureFields].sort(), where);
  const ttft = figures.ttftMs as Record<string, unknown>;
  for (const key of ['p50', 'p90', 'p99', 'mean'])
    assert.equal(typeof ttft[key], 'number', `${where} ttftMs.${key}`);
  assert.equal(typeof (figures.itlMs as Record<string, unknown>).p90, 'number', `${where} itlMs`);
  assert.equal(typeof (figures.e2eMs as Record<string, unknown>).p90, 'number', `${where} e2eMs`);
  assert.equal(typeof figures.prefixCacheHitRate, 'number', `${where} prefixCacheHitRate`);
  assert.equal(typeof figures.engineTtftMeanMs, 'number', `${where} engineTtftMeanMs`);
  assert.equal(typeof figures.successRate, 'number', `${where} successRate`);
  assert.ok((figures.succeeded as number) > 0, `${where} succeeded`);
}

describe('sluice bench, end to end', () => {
  const folders: string[] = [];
  after(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

  it('runs every strategy on a tiny workload and writes results with every field', async () => {
    const out = await mkdtemp(join(tmpdir(), 'sluice-bench-test-'));
    folders.push(out);
    let stdout = '';
    const code = await runBench(
      [
        ...['--out', out, '--workload', 'shared-prefix,multi-turn', '--replicas', '2', '--time-scale', '10'],
        ...['--qps', '40', '--stage-duration', '500ms', '--groups', '2', '--system-tokens', '64'],
        ...['--question-tokens', '16', '--output-tokens', '4', '--conversations', '3', '--turns', '3'],
        ...['--request-timeout', '10m', '--deadline', '5m', '--sweep'],
      ],
      { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: () => true } },
    );
    assert.equal(code, 0);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
    assert.equal(results.tool, 'sluice bench');
    assert.equal(results.stoppedEarly, undefined);
    for (const key of ['command', 'startedAt', 'finishedAt', 'wallSeconds', 'machine', 'settings'])
      assert.ok(key in results, key);
    assert.equal(results.settings.replicas, 2);
    assert.equal(results.settings.sweep, true);
    assert.deepEqual(
      results.workloads.map((workload: { name: string }) => workload.name),
      ['shared-prefix', 'multi-turn'],
    );
    for (const workload of results.workloads) {
      assert.deepEqual(
        workload.strategies.map((result: { strategy: string }) => result.strategy),
        ['round-robin', 'random', 'reference', 'sluice'],
      );
      assert.equal(workload.goals.baseline, 'round-robin');
      assert.deepEqual(
        workload.goals.strategies.map((goals: { strategy: string }) => goals.strategy),
        ['random', 'reference', 'sluice'],
      );
      for (const result of workload.strategies) {
        const where = `${workload.name}/${result.strategy}`;
        assertFigures(result.overall, where);
        assert.equal(result.stages.length, workload.stages.length);
        for (const stage of result.stages) assertFigures(stage, `${where} stage`);
        assert.equal(typeof result.prefixCacheHitRateBound, 'number');
        assert.equal(typeof result.cpuSeconds.wall, 'number');
        if (result.strategy === 'round-robin') {
          assert.equal(result.ratios, null);
          continue;
        }
        assert.deepEqual(Object.keys(result.ratios.overall).sort(), [...comparedFigures].sort());
        assert.equal(result.ratios.stages.length, workload.stages.length);
      }
      const svg = await readFile(join(out, `ttft-p90-${workload.name}.svg`), 'utf8');
      assert.match(svg, /^<svg /);
    }
    const report = await readFile(join(out, 'report.md'), 'utf8');
    assert.equal(stdout, report);
    assert.match(report, /### shared-prefix/);
  });
});
