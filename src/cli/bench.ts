// `sluice bench`: the scheduling benchmark — workloads through a real gateway to simulated replicas, once per
// routing strategy, written as results.json, report.md and an SVG chart per workload.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderChart } from '../bench/chart.ts';
import { loraMixWorkload } from '../bench/lora-mix.ts';
import { multiTurnWorkload } from '../bench/multi-turn.ts';
import type { FleetMode } from '../bench/replicas.ts';
import { renderReport } from '../bench/report.ts';
import { type BenchSettings, runBenchmark } from '../bench/run.ts';
import { sharedPrefixWorkload } from '../bench/shared-prefix.ts';
import { baselineStrategy, selectStrategies, strategyFromFlag } from '../bench/strategies.ts';
import { parseTrace, traceWorkload } from '../bench/trace.ts';
import type { Workload } from '../bench/workload.ts';
import { SluiceError } from '../errors.ts';
import { parseDuration } from '../resources/gateway-shared.ts';
import { findProfile } from '../sim/options.ts';
import { defaultProfileName, profiles } from '../sim/profiles.ts';
import { type FlagValues, parseFlags, usageError } from './args.ts';

/** Each workload's own defaults; the flags, when given, apply to every workload that uses them. */
const workloadDefaults = {
  'shared-prefix': {
    qps: [2, 4, 6, 8, 10],
    groups: 64,
    promptsPerGroup: 8,
    system: 3000,
    question: 200,
    output: 100,
  },
  'multi-turn': {
    qps: [2, 4, 8, 12, 16],
    groups: 8,
    conversations: 128,
    turns: 6,
    system: 1000,
    question: 100,
    output: 150,
  },
  'lora-mix': { qps: [2, 4, 6, 8], system: 1000, question: 200, output: 100 },
} as const;

const sp = workloadDefaults['shared-prefix'];
const mt = workloadDefaults['multi-turn'];
const lm = workloadDefaults['lora-mix'];
const defaultsText = [
  `shared-prefix: ${sp.groups} groups × ${sp.promptsPerGroup} prompts, system/question/output ${sp.system}/${sp.question}/${sp.output} tokens, QPS ${sp.qps.join(',')}`,
  `multi-turn: ${mt.groups} groups, ${mt.conversations} conversations × ${mt.turns} turns, ${mt.system}/${mt.question}/${mt.output} tokens, QPS ${mt.qps.join(',')}`,
  `lora-mix: ${lm.system}/${lm.question}/${lm.output} tokens, QPS ${lm.qps.join(',')}`,
]
  .map((line) => `    ${line}`)
  .join('\n');

export const benchUsage = `Usage: sluice bench --out DIR [options]

Starts simulated replicas and "sluice serve" with one InferencePool over them, sends each workload
through the gateway once per routing strategy (fresh replicas and picker each time), and writes
results.json, report.md and ttft-p90-<workload>.svg into DIR. Times are simulated time.

  --out DIR                   where the results go (required)
  --workload LIST             shared-prefix, multi-turn, trace, lora-mix (default shared-prefix,multi-turn)
  --strategies LIST           round-robin, random, reference, sluice, and --picker-config names
                              (default: all)
  --picker-config NAME=FILE   add strategy NAME running this EndpointPickerConfig (repeatable)
  --sweep                     find the goal's load point: round-robin runs first and stops after the
                              stage whose p90 TTFT reached 5x its first stage's; the others run the same
                              stages (start --qps at an unloaded rate and raise it in small steps)

Load (shared-prefix, multi-turn, lora-mix)
  --qps LIST                  offered requests per simulated second, one stage each (default per workload)
  --stage-duration D          simulated length of each stage (default 12s)
  --seed N                    seed of the workloads and the replicas (default 1)
  --system-tokens N  --question-tokens N  --output-tokens N   prompt and answer lengths
  --groups N                  system prompts (shared-prefix, multi-turn)
  --prompts-per-group N       distinct questions per system prompt (shared-prefix)
  --conversations N  --turns N  open conversations and turns each (multi-turn)
  --lora-adapters N           adapters requests spread over (lora-mix; default 4)
  Defaults per workload (a flag, when given, applies to every workload that uses it):
${defaultsText}

Trace replay (--workload trace)
  --trace FILE                JSONL {"timestamp","input_length","output_length","hash_ids"}
                              (default bench/scheduling/sample-trace.jsonl)
  --trace-block-tokens N      tokens per hash id (default 512)
  --speedup X                 divide the trace's timestamps by X (default 1)
  --limit N                   replay the first N requests (default all)

Replicas
  --replicas N                simulated replicas (default 4)
  --profile NAME              ${Object.keys(profiles).join(' | ')}
  --num-gpu-blocks N          KV-cache blocks per replica (default: the profile's)
  --max-loras N               adapters resident at once (default: the profile's)
  --time-scale X              simulated seconds per wall second (default 1)
  --fleet in-process|process  replicas in this process or in one "sluice sim" child (default process)

Bounds
  --request-timeout D         simulated time before a request counts as failed (default 60s)
  --deadline D                wall time for the whole run; then it stops and reports (default 15m)
  --keep                      keep the temporary folder with manifests and logs
`;

const flagOptions = {
  help: { type: 'boolean' },
  out: { type: 'string' },
  workload: { type: 'string' },
  strategies: { type: 'string' },
  'picker-config': { type: 'string', multiple: true },
  qps: { type: 'string' },
  'stage-duration': { type: 'string' },
  seed: { type: 'string' },
  'system-tokens': { type: 'string' },
  'question-tokens': { type: 'string' },
  'output-tokens': { type: 'string' },
  groups: { type: 'string' },
  'prompts-per-group': { type: 'string' },
  conversations: { type: 'string' },
  turns: { type: 'string' },
  'lora-adapters': { type: 'string' },
  trace: { type: 'string' },
  'trace-block-tokens': { type: 'string' },
  speedup: { type: 'string' },
  limit: { type: 'string' },
  replicas: { type: 'string' },
  profile: { type: 'string' },
  'num-gpu-blocks': { type: 'string' },
  'max-loras': { type: 'string' },
  'time-scale': { type: 'string' },
  fleet: { type: 'string' },
  'request-timeout': { type: 'string' },
  deadline: { type: 'string' },
  keep: { type: 'boolean' },
  sweep: { type: 'boolean' },
} as const;

const workloadNames = ['shared-prefix', 'multi-turn', 'trace', 'lora-mix'] as const;
const defaultTrace = join(import.meta.dirname, '..', '..', 'bench', 'scheduling', 'sample-trace.jsonl');

function flagText(values: FlagValues, flag: string): string | undefined {
  const value = values[flag];
  return typeof value === 'string' ? value : undefined;
}

function integerFlag(values: FlagValues, flag: string, fallback: number, min = 1): number {
  const text = flagText(values, flag);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw usageError(`--${flag} must be an integer of at least ${min}, not "${text}"`);
  return value;
}

function positiveFlag(values: FlagValues, flag: string, fallback: number): number {
  const text = flagText(values, flag);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value))
    throw usageError(`--${flag} must be a positive number, not "${text}"`);
  return value;
}

function durationFlag(values: FlagValues, flag: string, fallbackMs: number): number {
  const text = flagText(values, flag);
  if (text === undefined) return fallbackMs;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0)
    throw usageError(`--${flag} must be a duration such as 20s or 1m30s, not "${text}"`);
  return ms;
}

function listFlag(values: FlagValues, flag: string): string[] {
  return (flagText(values, flag) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function qpsFlag(values: FlagValues, fallback: readonly number[]): number[] {
  const list = listFlag(values, 'qps');
  if (list.length === 0) return [...fallback];
  return list.map((item) => {
    const qps = Number(item);
    if (!(qps > 0) || !Number.isFinite(qps)) throw usageError(`--qps takes positive numbers, not "${item}"`);
    return qps;
  });
}

async function buildWorkloads(values: FlagValues, model: string, adapters: string[]): Promise<Workload[]> {
  const names = listFlag(values, 'workload');
  const chosen = names.length > 0 ? names : ['shared-prefix', 'multi-turn'];
  const seed = integerFlag(values, 'seed', 1, 0);
  const stageDurationMs = durationFlag(values, 'stage-duration', 12_000);
  const workloads: Workload[] = [];
  for (const name of new Set(chosen)) {
    switch (name) {
      case 'shared-prefix': {
        const d = workloadDefaults['shared-prefix'];
        workloads.push(
          sharedPrefixWorkload({
            model,
            seed,
            groups: integerFlag(values, 'groups', d.groups),
            promptsPerGroup: integerFlag(values, 'prompts-per-group', d.promptsPerGroup),
            systemTokens: integerFlag(values, 'system-tokens', d.system),
            questionTokens: integerFlag(values, 'question-tokens', d.question),
            outputTokens: integerFlag(values, 'output-tokens', d.output),
            qps: qpsFlag(values, d.qps),
            stageDurationMs,
          }),
        );
        break;
      }
      case 'multi-turn': {
        const d = workloadDefaults['multi-turn'];
        workloads.push(
          multiTurnWorkload({
            model,
            seed,
            groups: integerFlag(values, 'groups', d.groups),
            conversations: integerFlag(values, 'conversations', d.conversations),
            turns: integerFlag(values, 'turns', d.turns),
            systemTokens: integerFlag(values, 'system-tokens', d.system),
            questionTokens: integerFlag(values, 'question-tokens', d.question),
            outputTokens: integerFlag(values, 'output-tokens', d.output),
            qps: qpsFlag(values, d.qps),
            stageDurationMs,
          }),
        );
        break;
      }
      case 'lora-mix': {
        const d = workloadDefaults['lora-mix'];
        workloads.push(
          loraMixWorkload({
            seed,
            adapters,
            systemTokens: integerFlag(values, 'system-tokens', d.system),
            questionTokens: integerFlag(values, 'question-tokens', d.question),
            outputTokens: integerFlag(values, 'output-tokens', d.output),
            qps: qpsFlag(values, d.qps),
            stageDurationMs,
          }),
        );
        break;
      }
      case 'trace': {
        const file = flagText(values, 'trace') ?? defaultTrace;
        const limit = integerFlag(values, 'limit', 0, 0);
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (error) {
          throw usageError(
            `--trace: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        workloads.push(
          traceWorkload(parseTrace(text, file, limit), {
            model,
            file,
            blockTokens: integerFlag(values, 'trace-block-tokens', 512),
            speedup: positiveFlag(values, 'speedup', 1),
            limit,
          }),
        );
        break;
      }
      default:
        throw usageError(`unknown workload "${name}"; known: ${workloadNames.join(', ')}`);
    }
  }
  return workloads;
}

async function settingsFrom(args: string[]): Promise<{ settings: BenchSettings; out: string } | undefined> {
  const values = parseFlags(args, flagOptions);
  if (values.help === true) return undefined;
  const out = flagText(values, 'out');
  if (out === undefined) throw usageError('bench needs --out DIR');
  const profileName = flagText(values, 'profile') ?? defaultProfileName;
  let profile: ReturnType<typeof findProfile>;
  try {
    profile = findProfile(profileName);
  } catch (error) {
    throw usageError(error instanceof Error ? error.message : String(error));
  }
  const fleet = flagText(values, 'fleet') ?? 'process';
  if (fleet !== 'in-process' && fleet !== 'process')
    throw usageError('--fleet must be in-process or process');
  const adapterCount = integerFlag(values, 'lora-adapters', 4);
  const workloadList = listFlag(values, 'workload');
  const adapters = workloadList.includes('lora-mix')
    ? Array.from({ length: adapterCount }, (_, index) => `adapter-${index}`)
    : [];
  const custom = ((values['picker-config'] ?? []) as string[]).map(strategyFromFlag);
  const strategies = selectStrategies(listFlag(values, 'strategies'), custom);
  const sweep = values.sweep === true;
  if (sweep && !strategies.some((strategy) => strategy.name === baselineStrategy))
    throw usageError(`--sweep finds the load point with ${baselineStrategy}; include it in --strategies`);
  const numGpuBlocks = flagText(values, 'num-gpu-blocks');
  const maxLoras = flagText(values, 'max-loras');
  const settings: BenchSettings = {
    command: ['sluice', 'bench', ...args].join(' '),
    workloads: await buildWorkloads(values, profile.model, adapters),
    strategies,
    replicas: integerFlag(values, 'replicas', 4),
    profile: profile.name,
    blockSize: profile.limits.blockSize,
    ...(numGpuBlocks !== undefined && { numGpuBlocks: integerFlag(values, 'num-gpu-blocks', 0, 2) }),
    loras: adapters,
    ...(maxLoras !== undefined && { maxLoras: integerFlag(values, 'max-loras', 0) }),
    timeScale: positiveFlag(values, 'time-scale', 1),
    fleet: fleet as FleetMode,
    seed: integerFlag(values, 'seed', 1, 0),
    requestTimeoutMs: durationFlag(values, 'request-timeout', 60_000),
    deadlineMs: durationFlag(values, 'deadline', 15 * 60_000),
    keep: values.keep === true,
    sweep,
  };
  return { settings, out };
}

/** Errors of the benchmark itself, answered with their message rather than a stack. */
const reportedCodes = new Set(['bench_failed', 'bench_invalid_trace']);

/** Where the report and progress go; tests pass their own. */
export interface BenchOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export async function runBench(args: string[], output: BenchOutput = process): Promise<number> {
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort('interrupted');
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const parsed = await settingsFrom(args);
    if (parsed === undefined) {
      output.stdout.write(benchUsage);
      return 0;
    }
    const { settings, out } = parsed;
    const results = await runBenchmark(
      settings,
      (line) => output.stderr.write(`${line}\n`),
      interrupt.signal,
    );
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    const report = renderReport(results);
    await writeFile(join(out, 'report.md'), report);
    for (const workload of results.workloads)
      await writeFile(join(out, `ttft-p90-${workload.name}.svg`), renderChart(workload));
    output.stdout.write(report);
    return results.stoppedEarly === undefined ? 0 : 1;
  } catch (error) {
    if (!(error instanceof SluiceError) || !reportedCodes.has(error.code)) throw error;
    output.stderr.write(`sluice bench: ${error.message}\n`);
    return error.status;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
