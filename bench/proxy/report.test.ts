// The report's arithmetic: medians, per-round paired added latency, and the goal verdicts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addedP50Us,
  median,
  renderReport,
  requestsPerCpuSecond,
  type Sample,
  type Target,
} from './report.ts';

function sample(
  target: Target,
  connections: number,
  round: number,
  requestsPerSecond: number,
  p50Us: number,
): Sample {
  return {
    requestCase: 'GET',
    connections,
    target,
    round,
    requestsPerSecond,
    p50Us,
    p99Us: p50Us * 3,
    errors: 0,
    cpu: { proxy: target === 'direct' ? undefined : 95, cores: [95, 80] },
  };
}

test('median takes the middle value, or the mean of the two middle values', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('added p50 pairs each proxy run with the direct run of the same round', () => {
  // Round 2 ran on a slower machine for everyone; pairing cancels that drift.
  const samples = [
    sample('direct', 1, 1, 40_000, 20),
    sample('sluice', 1, 1, 8_000, 120),
    sample('direct', 1, 2, 30_000, 60),
    sample('sluice', 1, 2, 6_000, 170),
    sample('direct', 1, 3, 40_000, 22),
    sample('sluice', 1, 3, 8_000, 125),
  ];
  assert.equal(addedP50Us(samples, 'GET', 'sluice'), 103);
});

test('requests per CPU-second divide throughput by the share of a core the proxy used', () => {
  const runs = [sample('sluice', 64, 1, 6_000, 5_000), sample('sluice', 64, 2, 9_000, 5_000)];
  runs[0].cpu.proxy = 50;
  runs[1].cpu.proxy = 90;
  assert.equal(requestsPerCpuSecond(runs), 11_000);
});

test('the goal table says which goal is met', () => {
  const samples = [
    sample('direct', 64, 1, 60_000, 700),
    sample('nginx', 64, 1, 30_000, 1_500),
    sample('sluice', 64, 1, 12_000, 5_000),
    sample('direct', 1, 1, 40_000, 20),
    sample('nginx', 1, 1, 20_000, 50),
    sample('sluice', 1, 1, 8_000, 140),
  ];
  const report = renderReport(samples, {
    requestCases: ['GET'],
    targets: ['direct', 'nginx', 'sluice'],
    connections: 64,
  });
  assert.match(
    report,
    /\| GET \| 0\.40 \| 0\.40 \| 3\.33 \| – \| \+0\.120 ms \| \+0\.030 ms \| – \| missed \| met \|/,
  );
});
