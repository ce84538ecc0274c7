import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { measurePicker } from './measure.ts';
import { renderPickerReport } from './report.ts';

describe('scheduling decision micro-benchmark (tiny configuration)', () => {
  it('warms the index to the blocks asked for, times every decision of both profiles, and reports them', async () => {
    const result = await measurePicker({
      endpoints: 4,
      blocks: 1000,
      groups: 4,
      decisions: 100,
      rounds: 2,
      inFlight: 8,
      scrapeEvery: 4,
      newGroupShare: 0.1,
      systemTokens: 300,
      questionTokens: 30,
      seed: 1,
      jitWarmup: 10,
    });
    assert.ok(result.indexBlocks >= 1000, `${result.indexBlocks} blocks`);
    assert.ok(result.maxBlocksPerEndpoint <= result.indexBlocks);
    assert.ok(result.warmupRequests >= result.warmGroups && result.warmGroups === 4);
    assert.ok(result.blocksPerRequest > 1);
    assert.deepEqual(
      result.strategies.map((stats) => [stats.strategy, stats.decisions]),
      [
        ['sluice', 100],
        ['round-robin', 100],
      ],
    );
    for (const stats of result.strategies) {
      assert.ok(stats.p50Us > 0 && stats.p50Us <= stats.p90Us && stats.p90Us <= stats.p99Us);
      assert.ok(stats.p99Us <= stats.maxUs && stats.cpuMeanUs >= 0);
    }

    const report = renderPickerReport(result, {
      machine: 'test',
      node: 'Node test',
      loadBefore: '0',
      loadAfter: '0',
      seconds: 1,
    });
    const table = report.filter((line) => line.startsWith('| '));
    assert.equal(table.length, 4, 'a header, its rule, and one row per strategy');
    assert.match(table[2], /^\| sluice \| 100 \|/);
    assert.match(table[3], /^\| round-robin \| 100 \|/);
    assert.ok(
      report.some((line) =>
        /^sluice \/ round-robin: p50 ×[\d.]+, p99 ×[\d.]+, CPU (×[\d.]+|–)\.$/.test(line),
      ),
    );
    assert.ok(report.some((line) => /^Goal \(issue 5\): p99 under 200 µs — (met|not met) /.test(line)));
  });
});
