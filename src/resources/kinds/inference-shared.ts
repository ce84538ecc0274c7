// What InferenceObjective and InferenceModelRewrite share: `poolRef`, the former GIE group they are still
// accepted under, and the warning for an object without spec (which the CRDs allow).

import { group, kind, objectName } from '../gateway-shared.ts';
import {
  INFERENCE_GROUP,
  INFERENCE_X_GROUP,
  LLMD_GROUP,
  type PoolObjectReference,
} from '../inference-api.ts';
import type { FormerApiVersion } from '../kind.ts';
import { object, type Rule, withDefault } from '../schema.ts';

export const LLMD_VERSION = 'v1alpha2';

export function poolReference() {
  return object<PoolObjectReference>(
    {
      group: withDefault(group(), INFERENCE_GROUP),
      kind: withDefault(kind(), 'InferencePool'),
      name: objectName(),
    },
    { required: ['name'] },
  );
}

/**
 * GIE served these kinds (same schema) up to v1.5; llm-d-router still reads that group but prefers its own and
 * calls the old one deprecated.
 */
export function formerlyInGIE(kindName: string): FormerApiVersion[] {
  return [
    {
      apiVersion: `${INFERENCE_X_GROUP}/${LLMD_VERSION}`,
      warning: `${kindName} left the Inference Extension after v1.5 and is now served by llm-d-router as "${LLMD_GROUP}/${LLMD_VERSION}" (same schema); the object is read as that`,
    },
  ];
}

/** The CRDs do not require `spec`, but without one the object names no pool. */
export const specExpected: Rule<{ kind: string; spec?: unknown }> = (self, report) => {
  if (self.spec === undefined) {
    report(`without spec, this ${self.kind} names no InferencePool and has no effect`, ['spec'], 'warning');
  }
};
