import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Namespace } from '../core.ts';
import { admissionCases, admitted } from '../testing.ts';

test('Namespace gets the kubernetes.io/metadata.name label, like the API server sets it', () => {
  const object = admitted<Namespace>({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'apps', labels: { team: 'a' } },
  });
  assert.deepEqual(object.metadata, {
    name: 'apps',
    labels: { team: 'a', 'kubernetes.io/metadata.name': 'apps' },
  });
});

admissionCases('Namespace', [
  {
    name: 'cluster-scoped: a namespace is an error',
    manifest: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps', namespace: 'default' } },
    problems: ['metadata.namespace: Namespace is cluster-scoped'],
  },
  {
    name: 'the name is a DNS-1123 label (no dots)',
    manifest: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps.prod' } },
    problems: ['metadata.name: invalid value "apps.prod": must be a lowercase DNS-1123 label'],
  },
  {
    name: 'spec and status are accepted',
    manifest: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'a' },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    },
  },
]);
