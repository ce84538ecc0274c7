// The state one replica's HTTP handlers share, and how a request's `model` maps to the base model or an adapter.

import { SluiceError } from '../errors.ts';
import type { Clock } from './clock.ts';
import type { Engine } from './engine.ts';
import type { LoraRegistry } from './lora.ts';
import type { ReplicaMetrics } from './metrics.ts';
import type { ReplicaOptions } from './options.ts';
import type { SeededRandom } from './random.ts';

export interface ReplicaContext {
  options: ReplicaOptions;
  /** The served base model name. */
  model: string;
  engine: Engine;
  loras: LoraRegistry;
  random: SeededRandom;
  clock: Clock;
  metrics: ReplicaMetrics;
  /** Unix seconds when the replica started (model cards' `created`). */
  startedAt: number;
}

export interface ResolvedModel {
  /**
   * The name answered in responses: the base model or the adapter asked for. Handlers also report it in
   * `x-inference-model`, so a client behind a gateway that renames the body's model sees what served it.
   */
  name: string;
  lora: string | undefined;
}

export function resolveModel(context: ReplicaContext, requested: string | undefined): ResolvedModel {
  if (requested === undefined || requested === context.model) return { name: context.model, lora: undefined };
  if (context.loras.has(requested)) return { name: requested, lora: requested };
  throw new SluiceError('sim_model_not_found', { model: requested });
}
