import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InferencePool } from '../inference-api.ts';
import { admissionCases, admitted } from '../testing.ts';

function pool(spec: unknown, apiVersion = 'inference.networking.k8s.io/v1') {
  return { apiVersion, kind: 'InferencePool', metadata: { name: 'qwen' }, spec };
}

const selector = { matchLabels: { app: 'qwen' } };
const targetPorts = [{ number: 8000 }];

function withSpec(fields: Record<string, unknown>) {
  return pool({ selector, targetPorts, ...fields });
}

function withPicker(endpointPickerRef: Record<string, unknown>) {
  return withSpec({ endpointPickerRef });
}

test('InferencePool defaults: appProtocol http; endpointPickerRef a core Service, FailClose; status dropped', () => {
  const object = admitted<InferencePool>({
    ...withPicker({ name: 'qwen-epp', port: { number: 9002 } }),
    status: { parents: [] },
  });
  assert.deepEqual(object.spec, {
    selector,
    targetPorts,
    endpointPickerRef: {
      name: 'qwen-epp',
      port: { number: 9002 },
      group: '',
      kind: 'Service',
      failureMode: 'FailClose',
    },
    appProtocol: 'http',
  });
  assert.equal('status' in object, false);
  assert.equal(object.metadata.namespace, 'default');
});

test('InferencePool without endpointPickerRef (optional since GIE v1.5) has none after defaults', () => {
  assert.equal(admitted<InferencePool>(withSpec({})).spec.endpointPickerRef, undefined);
});

admissionCases('InferencePool kind', [
  {
    name: 'several target ports, h2c, FailOpen',
    manifest: withSpec({
      targetPorts: [{ number: 8000 }, { number: 8001 }, { number: 8002 }],
      appProtocol: 'kubernetes.io/h2c',
      endpointPickerRef: { name: 'epp', port: { number: 9002 }, failureMode: 'FailOpen' },
    }),
  },
  {
    name: 'only v1 is served',
    manifest: pool({ selector, targetPorts }, 'inference.networking.k8s.io/v1alpha2'),
    problems: ['apiVersion: InferencePool is served as "inference.networking.k8s.io/v1", not'],
  },
  {
    name: 'the retired v1alpha2 of the experimental group gets a warning that says how to convert it',
    manifest: {
      ...pool({ selector: { app: 'qwen' }, targetPortNumber: 8000, extensionRef: { name: 'epp' } }),
      apiVersion: 'inference.networking.x-k8s.io/v1alpha2',
    },
    problems: [
      'warning : kind InferencePool of "inference.networking.x-k8s.io/v1alpha2": the Inference Extension no longer serves this InferencePool version (removed in v1.5); write it as "inference.networking.k8s.io/v1": selector becomes selector.matchLabels',
    ],
  },
  {
    name: 'spec is required',
    manifest: {
      apiVersion: 'inference.networking.k8s.io/v1',
      kind: 'InferencePool',
      metadata: { name: 'a' },
    },
    problems: ['spec: required field is missing'],
  },
  {
    name: 'selector and targetPorts are required',
    manifest: pool({}),
    problems: ['spec.selector: required field is missing', 'spec.targetPorts: required field is missing'],
  },
  {
    name: 'an unknown appProtocol',
    manifest: withSpec({ appProtocol: 'grpc' }),
    problems: ['spec.appProtocol: unsupported value "grpc"; must be one of: "http", "kubernetes.io/h2c"'],
  },
  {
    name: 'a v1alpha2-shaped spec under v1',
    manifest: pool({ selector: { app: 'qwen' }, targetPortNumber: 8000 }),
    problems: [
      'warning spec.selector.app: unknown field; it is ignored',
      'spec.selector.matchLabels: required field is missing',
      'warning spec.targetPortNumber: unknown field; it is ignored',
      'spec.targetPorts: required field is missing',
    ],
  },
]);

admissionCases('InferencePool selector', [
  {
    name: 'matchExpressions is not part of the schema (Service-selector compatible)',
    manifest: withSpec({ selector: { matchLabels: { app: 'qwen' }, matchExpressions: [] } }),
    problems: ['warning spec.selector.matchExpressions: unknown field; it is ignored'],
  },
  {
    name: 'matchLabels must not be empty',
    manifest: withSpec({ selector: { matchLabels: {} } }),
    problems: ['spec.selector.matchLabels: must have at least 1 entry'],
  },
  {
    name: 'at most 64 labels',
    manifest: withSpec({
      selector: { matchLabels: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`l${i}`, 'v'])) },
    }),
    problems: ['spec.selector.matchLabels: must have at most 64 entries, not 65'],
  },
  {
    name: 'label keys and values',
    manifest: withSpec({ selector: { matchLabels: { 'a/b/c': 'x', app: 'not ok' } } }),
    problems: [
      'spec.selector.matchLabels["a/b/c"]: invalid key "a/b/c"',
      'spec.selector.matchLabels.app: invalid value "not ok"',
    ],
  },
]);

admissionCases('InferencePool targetPorts', [
  {
    name: 'at least one',
    manifest: withSpec({ targetPorts: [] }),
    problems: ['spec.targetPorts: must have at least 1 item'],
  },
  {
    name: 'at most eight',
    manifest: withSpec({ targetPorts: Array.from({ length: 9 }, (_, i) => ({ number: 8000 + i })) }),
    problems: ['spec.targetPorts: must have at most 8 items, not 9'],
  },
  {
    name: 'numbers are unique',
    manifest: withSpec({ targetPorts: [{ number: 8000 }, { number: 8001 }, { number: 8000 }] }),
    problems: ['spec.targetPorts[2].number: duplicate port number 8000; each target port must be unique'],
  },
  {
    name: 'number is required, an integer in 1–65535',
    manifest: withSpec({ targetPorts: [{}, { number: 0 }, { number: 65536 }, { number: '8000' }] }),
    problems: [
      'spec.targetPorts[0].number: required field is missing',
      'spec.targetPorts[1].number: must be between 1 and 65535, not 0',
      'spec.targetPorts[2].number: must be between 1 and 65535, not 65536',
      'spec.targetPorts[3].number: must be an integer, not the string "8000"',
    ],
  },
]);

admissionCases('InferencePool endpointPickerRef', [
  {
    name: 'another kind needs no port',
    manifest: withPicker({ group: 'example.com', kind: 'Picker', name: 'epp' }),
  },
  {
    name: 'name is required',
    manifest: withPicker({ port: { number: 9002 } }),
    problems: ['spec.endpointPickerRef.name: required field is missing'],
  },
  {
    name: 'a Service (the default kind) needs a port',
    manifest: withPicker({ name: 'epp' }),
    problems: ['spec.endpointPickerRef.port: required when kind is Service'],
  },
  {
    name: 'kind Service needs a port in any group (the CEL rule ignores group)',
    manifest: withPicker({ group: 'example.com', kind: 'Service', name: 'epp' }),
    problems: ['spec.endpointPickerRef.port: required when kind is Service'],
  },
  {
    name: 'port.number is required',
    manifest: withPicker({ name: 'epp', port: {} }),
    problems: ['spec.endpointPickerRef.port.number: required field is missing'],
  },
  {
    name: 'failureMode values',
    manifest: withPicker({ name: 'epp', port: { number: 9002 }, failureMode: 'FailClosed' }),
    problems: [
      'spec.endpointPickerRef.failureMode: unsupported value "FailClosed"; must be one of: "FailOpen", "FailClose"',
    ],
  },
  {
    name: 'group and kind patterns',
    manifest: withPicker({ group: 'Example.com', kind: 'my/kind', name: 'epp' }),
    problems: [
      'spec.endpointPickerRef.group: invalid value "Example.com"',
      'spec.endpointPickerRef.kind: invalid value "my/kind"',
    ],
  },
  {
    name: 'namespace is not a field (the picker is in the pool namespace)',
    manifest: withPicker({ name: 'epp', namespace: 'other', port: { number: 9002 } }),
    problems: ['warning spec.endpointPickerRef.namespace: unknown field; it is ignored'],
  },
]);
