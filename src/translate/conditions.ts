// Building status conditions: one helper so every condition carries observedGeneration.

import type { KubeObject } from '../resources/object.ts';
import type { StatusCondition } from './types.ts';

export function generationOf(object: KubeObject): number {
  return object.metadata.generation ?? 1;
}

export function condition(
  object: KubeObject,
  type: string,
  ok: boolean,
  reason: string,
  message: string,
): StatusCondition {
  return { type, status: ok ? 'True' : 'False', reason, message, observedGeneration: generationOf(object) };
}
