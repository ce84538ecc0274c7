// What one simulated replica is configured with, its defaults, and the engine configuration it resolves to.

import { SluiceError } from '../errors.ts';
import type { EngineConfig } from './engine.ts';
import type { FailureType } from './failures.ts';
import type { EngineKind } from './metric-names.ts';
import { defaultProfileName, type EngineLimits, type Profile, profiles } from './profiles.ts';

export interface ReplicaOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Served model name; defaults to the profile's model. */
  model: string | undefined;
  profile: string;
  engine: EngineKind;
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
