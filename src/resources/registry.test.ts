import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admit } from './registry.ts';
import { admissionCases, admitted } from './testing.ts';

const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', spec: {} };

function withMetadata(metadata: unknown) {
  return { ...route, metadata };
}

test('an unknown kind is a warning and no object', () => {
  assert.deepEqual(admit({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' } }), {
    problems: [
      {
        severity: 'warning',
        path: '',
        message: 'kind Deployment of "apps/v1" is not supported by Sluice; the object is ignored',
      },
    ],
  });
});

test('v1beta1 objects are kept as v1; status written in a file is dropped; generation is not set', () => {
  const object = admitted({
    ...withMetadata({ name: 'a' }),
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    status: { parents: [] },
  });
  assert.equal(object.apiVersion, 'gateway.networking.k8s.io/v1');
  assert.equal('status' in object, false);
  assert.deepEqual(object.metadata, { name: 'a', namespace: 'default' });
});

test('metadata read from a cluster export is kept', () => {
  const metadata = {
    name: 'a',
    namespace: 'apps',
    uid: 'u-1',
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: '2025-01-31T12:00:00Z',
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    managedFields: [{ manager: 'kubectl' }],
  };
  assert.deepEqual(admitted(withMetadata(metadata)).metadata, metadata);
});

admissionCases('admission', [
  {
    name: 'not an object',
    manifest: ['a'],
    problems: [': a manifest must be an object with apiVersion, kind and metadata'],
  },
  {
    name: 'no apiVersion or kind',
    manifest: { metadata: { name: 'a' } },
    problems: ['apiVersion: required field is missing', 'kind: required field is missing'],
  },
  {
    name: 'a version that is not served',
    manifest: { ...withMetadata({ name: 'a' }), apiVersion: 'gateway.networking.k8s.io/v1alpha2' },
    problems: [
      'apiVersion: HTTPRoute is served as "gateway.networking.k8s.io/v1" or "gateway.networking.k8s.io/v1beta1", not "gateway.networking.k8s.io/v1alpha2"',
    ],
  },
  {
    name: 'a core kind in another group is unknown',
    manifest: { apiVersion: 'example.com/v1', kind: 'Service' },
    problems: ['warning : kind Service of "example.com/v1"'],
  },
  { name: 'no metadata', manifest: route, problems: ['metadata: required field is missing'] },
  {
    name: 'no name',
    manifest: withMetadata({ generateName: 'a-' }),
    problems: ['metadata.name: required field is missing'],
  },
  {
    name: 'object names are DNS subdomains',
    manifest: withMetadata({ name: 'My_Route' }),
    problems: ['metadata.name: invalid value "My_Route": must be a lowercase DNS-1123 subdomain'],
  },
  {
    name: 'namespace names are DNS labels',
    manifest: withMetadata({ name: 'a', namespace: 'a.b' }),
    problems: ['metadata.namespace: invalid value "a.b": must be a lowercase DNS-1123 label'],
  },
  {
    name: 'label keys and values',
    manifest: withMetadata({
      name: 'a',
      labels: { 'example.com/ok': 'yes', 'a/b/c': 'x', ok: 'not ok', n: 1 },
    }),
    problems: [
      'metadata.labels["a/b/c"]: invalid key "a/b/c"',
      'metadata.labels.ok: invalid value "not ok": must be empty or at most 63 letters',
      'metadata.labels.n: must be a string, not the number 1',
    ],
  },
  {
    name: 'annotation keys',
    manifest: withMetadata({ name: 'a', annotations: { 'Example.COM/Key': 'x', 'bad key': 'y' } }),
    problems: ['metadata.annotations["bad key"]: invalid key "bad key"'],
  },
  {
    name: 'creationTimestamp format',
    manifest: withMetadata({ name: 'a', creationTimestamp: 'yesterday' }),
    problems: ['metadata.creationTimestamp: must be an RFC 3339 time'],
  },
  {
    name: 'null fields are absent (YAML "key:" with no value)',
    manifest: { ...withMetadata({ name: 'a', labels: null }), spec: { rules: null } },
  },
]);
