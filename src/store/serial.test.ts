import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SerialJob } from './serial.ts';

describe('SerialJob', () => {
  test('requests during a run collapse into one more run', async () => {
    const gates: (() => void)[] = [];
    let runs = 0;
    let concurrent = 0;
    const job = new SerialJob(
      async () => {
        runs++;
        concurrent++;
        assert.equal(concurrent, 1, 'never two runs at once');
        await new Promise<void>((resolve) => gates.push(resolve));
        concurrent--;
      },
      (error) => assert.fail(String(error)),
    );
    job.run();
    job.run();
    job.run();
    const idle = job.idle();
    while (gates.length === 0) await Promise.resolve();
    gates.shift()?.();
    while (gates.length === 0) await new Promise((resolve) => setImmediate(resolve));
    gates.shift()?.();
    await idle;
    assert.equal(runs, 2);
  });

  test('a failing run is reported and does not stop later runs', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const job = new SerialJob(
      async () => {
        runs++;
        if (runs === 1) throw new Error('boom');
      },
      (error) => errors.push(error),
    );
    job.run();
    await job.idle();
    job.run();
    await job.idle();
    assert.equal(runs, 2);
    assert.equal(errors.length, 1);
  });
});
