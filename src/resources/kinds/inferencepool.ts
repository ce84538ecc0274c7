// InferencePool (inference.networking.k8s.io/v1): schema, defaults and CEL rules of the GIE v1.6 CRD — the
// Pods a pool selects, the ports each of them serves on, and the endpoint picker that chooses among them.

import { group, kind, objectName, portNumber } from '../gateway-shared.ts';
import {
  type EndpointPickerRef,
  INFERENCE_GROUP,
  type InferencePool,
  type InferencePoolPort,
  type InferencePoolSpec,
} from '../inference-api.ts';
import { defineKind } from '../kind.ts';
import { dnsSubdomain, labels } from '../names.ts';
import { array, dropped, object, type Rule, string, withDefault } from '../schema.ts';

const port = object<InferencePoolPort>({ number: portNumber() }, { required: ['number'] });

/** CEL: unlike Gateway API backend references, the rule looks at `kind` only, so it holds in every group. */
const pickerPortRule: Rule<EndpointPickerRef> = (self, report) => {
  if (self.kind === 'Service' && self.port === undefined) {
    report('required when kind is Service (the port of the endpoint picker Service, not its target port)', [
      'port',
    ]);
  }
};

const endpointPickerRef = object<EndpointPickerRef>(
  {
    group: withDefault(group(), ''),
    kind: withDefault(kind(), 'Service'),
    name: objectName(),
    port,
    failureMode: string({ enum: ['FailOpen', 'FailClose'], default: 'FailClose' }),
  },
  { required: ['name'], rules: [pickerPortRule] },
);

/** CEL: every target port is a separate endpoint, so a number may appear once. */
const uniquePortNumbers: Rule<InferencePoolPort[]> = (ports, report) => {
  ports.forEach((p, index) => {
    if (ports.findIndex((other) => other.number === p.number) < index) {
      report(`duplicate port number ${p.number}; each target port must be unique`, [index, 'number']);
    }
  });
};

const spec = object<InferencePoolSpec>(
  {
    selector: object<InferencePoolSpec['selector']>(
      { matchLabels: labels({ minProperties: 1, maxProperties: 64 }) },
      { required: ['matchLabels'] },
    ),
    targetPorts: array(port, { minItems: 1, maxItems: 8, rules: [uniquePortNumbers] }),
    appProtocol: string({ enum: ['http', 'kubernetes.io/h2c'], default: 'http' }),
    endpointPickerRef,
  },
  { required: ['selector', 'targetPorts'] },
);

export const inferencePoolKind = defineKind<InferencePool>({
  group: INFERENCE_GROUP,
  kind: 'InferencePool',
  versions: ['v1'],
  namespaced: true,
  name: dnsSubdomain(),
  fields: { spec, status: dropped() },
  required: ['spec'],
});
