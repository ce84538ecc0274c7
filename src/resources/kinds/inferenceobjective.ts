// InferenceObjective (llm-d.ai/v1alpha2, formerly inference.networking.x-k8s.io): the priority of the requests
// that name it in `x-gateway-inference-objective`, within one InferencePool.

import { type InferenceObjective, type InferenceObjectiveSpec, LLMD_GROUP } from '../inference-api.ts';
import { defineKind } from '../kind.ts';
import { dnsSubdomain } from '../names.ts';
import { dropped, integer, object } from '../schema.ts';
import { formerlyInGIE, LLMD_VERSION, poolReference, specExpected } from './inference-shared.ts';

const spec = object<InferenceObjectiveSpec>(
  {
    // An int32 in the Go type: a larger value cannot be read back by the endpoint picker.
    priority: integer({ minimum: -(2 ** 31), maximum: 2 ** 31 - 1 }),
    poolRef: poolReference(),
  },
  { required: ['poolRef'] },
);

export const inferenceObjectiveKind = defineKind<InferenceObjective>({
  group: LLMD_GROUP,
  kind: 'InferenceObjective',
  versions: [LLMD_VERSION],
  formerly: formerlyInGIE('InferenceObjective'),
  namespaced: true,
  name: dnsSubdomain(),
  fields: { spec, status: dropped() },
  rules: [specExpected],
});
