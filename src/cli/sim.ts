// `sluice sim`: serves simulated vLLM (or SGLang) model servers, one replica or a fleet, until SIGINT/SIGTERM.

import { readFileSync } from 'node:fs';
import { log } from '../observability/log.ts';
import { ScaledClock } from '../sim/clock.ts';
import { parseFleetFile, replicaSet, type Spread, startFleet } from '../sim/fleet.ts';
import { type ReplicaOptions, replicaDefaults, replicaFields } from '../sim/options.ts';
import { profiles } from '../sim/profiles.ts';
import { parseFlags, usageError } from './args.ts';

export const simUsage = `Usage: sluice sim [options]

Serves simulated model servers that speak vLLM's OpenAI-compatible API and metrics.

  --host ADDR                 bind address (default 127.0.0.1)
  --port P                    port, 0 for a free one (default 8000)
  --model NAME                served model name (default: the profile's model)
  --profile NAME              ${Object.keys(profiles).join(' | ')}
  --engine vllm|sglang        whose metric names to expose (default vllm)
  --runner NAME               vLLM's runner: auto (default) serves every API, generate only
                              completions, pooling only embeddings (an embedding model)
  --replicas N                serve N replicas from this process
  --spread address|port       give each replica the next 127.0.0.x address (default) or the next port
  --fleet FILE                replicas from a YAML fleet file (see docs/simulator.md)
  --time-scale X              run X simulated seconds per wall-clock second (default 1)
  --seed N                    seed for answers, lengths and injected failures (default 0)
  --num-gpu-blocks N  --block-size N  --max-num-seqs N  --max-num-batched-tokens N
  --max-model-len N  --max-loras N      override the profile's engine limits
  --no-prefix-caching         disable automatic prefix caching
  --max-waiting N             waiting-queue limit; more requests get 429 (default 1000)
  --enable-lora               accept LoRA adapters (POST /v1/load_lora_adapter)
  --lora-modules NAME=PATH    preload an adapter (repeatable; implies --enable-lora)
  --failure-rate PERCENT      fail this share of inference requests (default 0)
  --failure-types A,B         rate_limit, invalid_api_key, context_length, server_error,
                              invalid_request, model_not_found (default: all)
  --fake-metrics JSON|@FILE   pin or animate the load gauges (llm-d-inference-sim format)
  --mean-output-tokens N      mean answer length when max_tokens does not cut it (default 200)
  --embedding-dimensions N    length of /v1/embeddings vectors (default 1024)
  --pod NAME  --namespace NS  identity reported in x-inference-pod / x-inference-namespace
`;

const flagOptions = {
  help: { type: 'boolean' },
  host: { type: 'string' },
  port: { type: 'string' },
  model: { type: 'string' },
  profile: { type: 'string' },
  engine: { type: 'string' },
  runner: { type: 'string' },
  replicas: { type: 'string' },
  spread: { type: 'string' },
  fleet: { type: 'string' },
  'time-scale': { type: 'string' },
  seed: { type: 'string' },
  'num-gpu-blocks': { type: 'string' },
  'block-size': { type: 'string' },
  'max-num-seqs': { type: 'string' },
  'max-num-batched-tokens': { type: 'string' },
  'max-model-len': { type: 'string' },
  'max-loras': { type: 'string' },
  'no-prefix-caching': { type: 'boolean' },
  'max-waiting': { type: 'string' },
  'enable-lora': { type: 'boolean' },
  'lora-modules': { type: 'string', multiple: true },
  'failure-rate': { type: 'string' },
  'failure-types': { type: 'string' },
  'fake-metrics': { type: 'string' },
  'mean-output-tokens': { type: 'string' },
  'embedding-dimensions': { type: 'string' },
  pod: { type: 'string' },
  namespace: { type: 'string' },
} as const;

/** Flags that are replica options, by their option name. */
const replicaFlags: Record<string, string> = {
  host: 'host',
  port: 'port',
  model: 'model',
  profile: 'profile',
  engine: 'engine',
  runner: 'runner',
  seed: 'seed',
  'num-gpu-blocks': 'numGpuBlocks',
  'block-size': 'blockSize',
  'max-num-seqs': 'maxNumSeqs',
  'max-num-batched-tokens': 'maxNumBatchedTokens',
  'max-model-len': 'maxModelLen',
  'max-loras': 'maxLoras',
  'max-waiting': 'maxWaiting',
  'enable-lora': 'enableLora',
  'lora-modules': 'loraModules',
  'failure-rate': 'failureRate',
  'failure-types': 'failureTypes',
  'fake-metrics': 'fakeMetrics',
  'mean-output-tokens': 'meanOutputTokens',
  'embedding-dimensions': 'embeddingDimensions',
  pod: 'pod',
  namespace: 'namespace',
};

function positiveNumber(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!(number > 0)) throw usageError(`${flag} must be a positive number, not "${value}"`);
  return number;
}

function replicaOptions(values: ReturnType<typeof parseFlags>): ReplicaOptions[] {
  const fields: Record<string, unknown> = {};
  for (const [flag, key] of Object.entries(replicaFlags)) fields[key] = values[flag];
  if (values['no-prefix-caching'] === true) fields.enablePrefixCaching = false;
  const fake = values['fake-metrics'];
  if (typeof fake === 'string' && fake.startsWith('@'))
    fields.fakeMetrics = readFileSync(fake.slice(1), 'utf8');
  const base = { ...replicaDefaults, ...replicaFields(fields, 'command line') };

  const fleet = values.fleet;
  if (typeof fleet === 'string') {
    if (values.replicas !== undefined) throw usageError('--fleet and --replicas cannot be combined');
    return parseFleetFile(readFileSync(fleet, 'utf8'), base, fleet);
  }
  const count = values.replicas === undefined ? 1 : Number(values.replicas);
  if (!Number.isInteger(count) || count < 1)
    throw usageError(`--replicas must be a positive integer, not "${values.replicas}"`);
  const spread = values.spread ?? 'address';
  if (spread !== 'address' && spread !== 'port') throw usageError('--spread must be address or port');
  return replicaSet(base, count, spread as Spread);
}

export async function runSim(args: string[]): Promise<void> {
  const values = parseFlags(args, flagOptions);
  if (values.help === true) {
    process.stdout.write(simUsage);
    return;
  }
  const timeScale = positiveNumber(values['time-scale'] as string | undefined, '--time-scale', 1);
  const fleet = await startFleet(replicaOptions(values), new ScaledClock(timeScale));
  for (const replica of fleet.replicas) {
    log.info('simulated model server listening', {
      url: replica.url,
      pod: replica.options.pod,
      model: replica.context.model,
      profile: replica.options.profile,
      engine: replica.options.engine,
      timeScale,
    });
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      fleet.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
