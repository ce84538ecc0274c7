// The scheduling micro-benchmark: one scheduling decision of the default profile, 64 endpoints, a prefix
// index warmed to 1M blocks, timed against a round-robin profile in the same process.

import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { loadAverage, print } from '../streaming/sluice-under-test.ts';
import { measurePicker, type PickerBenchOptions } from './measure.ts';
import { renderPickerReport } from './report.ts';

const usage = `Usage: npm run bench:picker -- [--endpoints 64] [--blocks 1000000] [--groups 3000]
       [--decisions 20000] [--rounds 4] [--in-flight 256] [--scrape-every 16] [--new-group-share 0.1]
       [--system-tokens 2000] [--question-tokens 200] [--seed 1]

Builds two endpoint pickers over the same endpoints (metrics fed directly, no network): Sluice's default
profile and the round-robin baseline. Warms the default profile's prefix index through its own
decisions until it holds --blocks entries, then times --decisions decisions per picker in interleaved
rounds — the SchedulingRequest built, admission, the profile, the PreRequest hooks — and prints a
markdown report on stdout (progress on stderr).`;

const { values } = parseArgs({
  strict: true,
  options: {
    endpoints: { type: 'string', default: '64' },
    blocks: { type: 'string', default: '1000000' },
    groups: { type: 'string', default: '3000' },
    decisions: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '4' },
    'in-flight': { type: 'string', default: '256' },
    'scrape-every': { type: 'string', default: '16' },
    'new-group-share': { type: 'string', default: '0.1' },
    'system-tokens': { type: 'string', default: '2000' },
    'question-tokens': { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) print(usage);
else await main();

async function main(): Promise<void> {
  const options: PickerBenchOptions = {
    endpoints: Number(values.endpoints),
    blocks: Number(values.blocks),
    groups: Number(values.groups),
    decisions: Number(values.decisions),
    rounds: Number(values.rounds),
    inFlight: Number(values['in-flight']),
    scrapeEvery: Number(values['scrape-every']),
    newGroupShare: Number(values['new-group-share']),
    systemTokens: Number(values['system-tokens']),
    questionTokens: Number(values['question-tokens']),
    seed: Number(values.seed),
    jitWarmup: 2000,
  };
  const loadBefore = loadAverage();
  const started = performance.now();
  const result = await measurePicker(options, (line) => process.stderr.write(`${line}\n`));
  const processor = cpus();
  const report = renderPickerReport(result, {
    machine: `${processor.length} × ${processor[0]?.model ?? 'unknown CPU'}`,
    node: `Node ${process.version}`,
    loadBefore,
    loadAfter: loadAverage(),
    seconds: (performance.now() - started) / 1000,
  });
  for (const line of report) print(line);
}
