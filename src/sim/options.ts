// Replica options: what one simulated server is configured with, its defaults, and reading them from flags
// or a fleet file.

import { SluiceError } from '../errors.ts';
import type { EngineConfig } from './engine.ts';
import { type FailureType, failureTypes, isFailureType } from './failures.ts';
import { parseFakeMetrics } from './fake-metrics.ts';
import type { EngineKind } from './metric-names.ts';
import { defaultProfileName, type EngineLimits, type Profile, profiles } from './profiles.ts';

/**
 * vLLM's `--runner`: `generate` serves completions only, `pooling` (an embedding model) serves embeddings
 * only. `auto` serves both: vLLM decides by the model's architecture, which a simulated model does not have.
 */
export type Runner = 'auto' | 'generate' | 'pooling';

export const runners: readonly Runner[] = ['auto', 'generate', 'pooling'];

export interface ReplicaOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Served model name; defaults to the profile's model. */
  model: string | undefined;
  profile: string;
  engine: EngineKind;
  runner: Runner;
  /** Reported in `x-inference-pod`. */
  pod: string;
  namespace: string;
  seed: number;
  /** Engine limits overriding the profile's. */
  limits: Partial<EngineLimits>;
  enablePrefixCaching: boolean;
  maxWaiting: number;
  enableLora: boolean;
  loraModules: { name: string; path: string }[];
  failureRate: number;
  failureTypes: FailureType[];
  /** llm-d-inference-sim's fake-metrics JSON object. */
  fakeMetrics: unknown;
  /** Mean length of an answer that is not cut by max_tokens (exponentially distributed). */
  meanOutputTokens: number;
  embeddingDimensions: number;
}

export const replicaDefaults: ReplicaOptions = {
  host: '127.0.0.1',
  port: 8000,
  model: undefined,
  profile: defaultProfileName,
  engine: 'vllm',
  runner: 'auto',
  pod: '',
  namespace: 'default',
  seed: 0,
  limits: {},
  enablePrefixCaching: true,
  maxWaiting: 1000,
  enableLora: false,
  loraModules: [],
  failureRate: 0,
  failureTypes: [],
  fakeMetrics: undefined,
  meanOutputTokens: 200,
  embeddingDimensions: 1024,
};

export function findProfile(name: string): Profile {
  const profile = profiles[name];
  if (profile === undefined) {
    throw new SluiceError('sim_invalid_config', {
      reason: `unknown profile "${name}"; known profiles: ${Object.keys(profiles).join(', ')}`,
    });
  }
  return profile;
}

export function engineConfig(options: ReplicaOptions): EngineConfig {
  const profile = findProfile(options.profile);
  return {
    ...profile.limits,
    ...options.limits,
    costs: profile.costs,
    enablePrefixCaching: options.enablePrefixCaching,
    maxWaiting: options.maxWaiting,
  };
}

export function servedModel(options: ReplicaOptions): string {
  return options.model ?? findProfile(options.profile).model;
}

type LimitKey = keyof EngineLimits;
const limitKeys: readonly LimitKey[] = [
  'numGpuBlocks',
  'blockSize',
  'maxNumSeqs',
  'maxNumBatchedTokens',
  'maxModelLen',
  'maxLoras',
];

function invalid(where: string, reason: string): SluiceError {
  return new SluiceError('sim_invalid_config', { reason: `${where}: ${reason}` });
}

function integer(value: unknown, where: string, key: string, min: number): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min) {
    throw invalid(where, `${key} must be an integer of at least ${min}, not ${JSON.stringify(value)}`);
  }
  return number;
}

function text(value: unknown, where: string, key: string): string {
  if (typeof value !== 'string' || value === '') throw invalid(where, `${key} must be a non-empty string`);
  return value;
}

function flag(value: unknown, where: string, key: string): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw invalid(where, `${key} must be true or false`);
}

function list(value: unknown): unknown[] {
  if (typeof value === 'string')
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  return Array.isArray(value) ? value : [value];
}

function loraModule(value: unknown, where: string): { name: string; path: string } {
  if (typeof value === 'string' && /^[^=]+=.+$/.test(value)) {
    const at = value.indexOf('=');
    return { name: value.slice(0, at), path: value.slice(at + 1) };
  }
  if (typeof value === 'object' && value !== null) {
    const { name, path } = value as Record<string, unknown>;
    if (typeof name === 'string' && typeof path === 'string') return { name, path };
  }
  throw invalid(where, `loraModules entries are name=path or {name, path}, not ${JSON.stringify(value)}`);
}

/**
 * Replica options from loose values, as command-line flags (strings) or a fleet file (YAML values)
 * give them; `where` names the source in error messages. Unknown keys are errors.
 */
export function replicaFields(fields: Record<string, unknown>, where: string): Partial<ReplicaOptions> {
  const options: Partial<ReplicaOptions> = {};
  const limits: Partial<EngineLimits> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if ((limitKeys as readonly string[]).includes(key)) {
      limits[key as LimitKey] = integer(value, where, key, 1);
      continue;
    }
    switch (key) {
      case 'host':
      case 'model':
      case 'profile':
      case 'pod':
      case 'namespace':
        options[key] = text(value, where, key);
        break;
      case 'engine':
        if (value !== 'vllm' && value !== 'sglang') throw invalid(where, 'engine must be vllm or sglang');
        options.engine = value;
        break;
      case 'runner': {
        const runner = runners.find((known) => known === value);
        if (runner === undefined) throw invalid(where, `runner must be ${runners.join(', ')}`);
        options.runner = runner;
        break;
      }
      case 'port':
        options.port = integer(value, where, key, 0);
        if (options.port > 65535) throw invalid(where, 'port must be at most 65535');
        break;
      case 'seed':
      case 'maxWaiting':
        options[key] = integer(value, where, key, 0);
        break;
      case 'meanOutputTokens':
      case 'embeddingDimensions':
        options[key] = integer(value, where, key, 1);
        break;
      case 'enablePrefixCaching':
      case 'enableLora':
        options[key] = flag(value, where, key);
        break;
      case 'failureRate': {
        const rate = typeof value === 'string' ? Number(value) : value;
        if (typeof rate !== 'number' || !(rate >= 0 && rate <= 100))
          throw invalid(where, 'failureRate must be 0–100');
        options.failureRate = rate;
        break;
      }
      case 'failureTypes':
        options.failureTypes = list(value).map((type) => {
          if (typeof type !== 'string' || !isFailureType(type)) {
            throw invalid(
              where,
              `failureTypes must be among ${failureTypes.join(', ')}, not ${JSON.stringify(type)}`,
            );
          }
          return type;
        });
        break;
      case 'loraModules':
        options.loraModules = list(value).map((module) => loraModule(module, where));
        options.enableLora = true;
        break;
      case 'fakeMetrics':
        options.fakeMetrics = typeof value === 'string' ? parseJson(value, where) : value;
        parseFakeMetrics(options.fakeMetrics);
        break;
      default:
        throw invalid(where, `unknown option ${key}`);
    }
  }
  if (Object.keys(limits).length > 0) options.limits = limits;
  return options;
}

function parseJson(value: string, where: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw invalid(
      where,
      `fakeMetrics is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
