import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../resources/object.ts';
import { dependentScopes, labelSelector } from './dependents.ts';
import type { ServedKind } from './kinds.ts';
import { describeScope } from './reflector.ts';

const served: ServedKind[] = ['Pod', 'Secret', 'ConfigMap'].map((kind) => ({
  kind,
  apiVersion: 'v1',
  resource: `${kind.toLowerCase()}s`,
  namespaced: true,
  referenced: true,
}));

const options = { served, controllerName: 'sluice.dev/gateway-controller', namespaces: [] };

function object(kind: string, name: string, spec: unknown, metadata: Partial<KubeObject['metadata']> = {}) {
  return { apiVersion: 'x/v1', kind, metadata: { name, namespace: 'apps', ...metadata }, spec } as KubeObject;
}

const sluiceClass = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'GatewayClass',
  metadata: { name: 'sluice' },
  spec: { controllerName: 'sluice.dev/gateway-controller' },
} as KubeObject;

const tlsListener = (secret: string, namespace?: string) => ({
  name: secret,
  port: 443,
  protocol: 'HTTPS',
  tls: { certificateRefs: [{ name: secret, ...(namespace && { namespace }) }] },
});

function scopes(objects: KubeObject[], namespaces: string[] = []): string[] {
  return dependentScopes(objects, { ...options, namespaces })
    .map(describeScope)
    .sort();
}

describe('dependentScopes', () => {
  test("one Pod watch per distinct selector in the pool's namespace", () => {
    const pool = (name: string, matchLabels: Record<string, string>) =>
      object('InferencePool', name, { selector: { matchLabels }, targetPorts: [{ number: 8000 }] });
    assert.deepEqual(
      scopes([
        pool('a', { app: 'llama', tier: 'gpu' }),
        pool('b', { tier: 'gpu', app: 'llama' }),
        pool('c', { app: 'qwen' }),
      ]),
      ['Pod in apps (app=llama,tier=gpu)', 'Pod in apps (app=qwen)'],
    );
  });

  test('a picker ConfigMap named by the annotation, by name', () => {
    const pool = object(
      'InferencePool',
      'llama',
      { selector: { matchLabels: { app: 'llama' } }, targetPorts: [{ number: 8000 }] },
      { annotations: { 'sluice.dev/endpoint-picker-config': 'llama-picker' } },
    );
    assert.deepEqual(scopes([pool]), [
      'ConfigMap in apps (metadata.name=llama-picker)',
      'Pod in apps (app=llama)',
    ]);
  });

  test("Secrets and ConfigMaps of Sluice's Gateways and their ListenerSets only, in the namespace each ref names", () => {
    const ours = object('Gateway', 'edge', {
      gatewayClassName: 'sluice',
      listeners: [tlsListener('edge-cert'), tlsListener('shared-cert', 'certs')],
      tls: {
        backend: { clientCertificateRef: { name: 'client-cert' } },
        frontend: {
          default: {
            validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'client-ca' }] },
          },
        },
      },
    });
    const theirs = object('Gateway', 'other', {
      gatewayClassName: 'someone-else',
      listeners: [tlsListener('their-cert')],
    });
    const listenerSet = object('ListenerSet', 'extra', {
      parentRef: { name: 'edge' },
      listeners: [tlsListener('extra-cert')],
    });
    const orphanSet = object('ListenerSet', 'orphan', {
      parentRef: { name: 'other' },
      listeners: [tlsListener('orphan-cert')],
    });
    assert.deepEqual(scopes([sluiceClass, ours, theirs, listenerSet, orphanSet]), [
      'ConfigMap in apps (inference.llm-d.ai/ipp-managed=true)',
      'ConfigMap in apps (inference.networking.k8s.io/bbr-managed=true)',
      'ConfigMap in apps (metadata.name=client-ca)',
      'Secret in apps (metadata.name=client-cert)',
      'Secret in apps (metadata.name=edge-cert)',
      'Secret in apps (metadata.name=extra-cert)',
      'Secret in certs (metadata.name=shared-cert)',
    ]);
  });

  test('BackendTLSPolicy CA ConfigMaps; references to other kinds are not core objects to watch', () => {
    const policy = object('BackendTLSPolicy', 'tls', {
      targetRefs: [],
      validation: {
        hostname: 'backend.example',
        caCertificateRefs: [
          { group: '', kind: 'ConfigMap', name: 'backend-ca' },
          { group: 'example.com', kind: 'Bundle', name: 'elsewhere' },
        ],
      },
    });
    assert.deepEqual(scopes([policy]), ['ConfigMap in apps (metadata.name=backend-ca)']);
  });

  test('only in the watched namespaces when Sluice is restricted to some', () => {
    const gateway = object('Gateway', 'edge', {
      gatewayClassName: 'sluice',
      listeners: [tlsListener('edge-cert'), tlsListener('shared-cert', 'certs')],
    });
    assert.deepEqual(
      scopes([sluiceClass, gateway], ['apps']).filter((scope) => scope.startsWith('Secret')),
      ['Secret in apps (metadata.name=edge-cert)'],
    );
  });

  test('label selectors read the same whatever the key order', () => {
    assert.equal(labelSelector({ b: '2', a: '1' }), 'a=1,b=2');
  });
});
