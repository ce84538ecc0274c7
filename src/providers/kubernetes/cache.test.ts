import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClusterCache } from './cache.ts';
import type { ReflectorScope } from './reflector.ts';

const routes: ReflectorScope = {
  served: {
    kind: 'HTTPRoute',
    apiVersion: 'gateway.networking.k8s.io/v1',
    resource: 'httproutes',
    namespaced: true,
  },
};

function route(name: string, resourceVersion: string, generation: number, path = '/', status?: unknown) {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      resourceVersion,
      generation,
      creationTimestamp: '2025-01-01T00:00:00Z',
      managedFields: [{ manager: 'kubectl' }],
    },
    spec: {
      parentRefs: [{ name: 'edge' }],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: path } }],
          backendRefs: [{ name: 'echo', port: 80 }],
        },
      ],
    },
    ...(status !== undefined && { status }),
  };
}

describe('ClusterCache', () => {
  test("snapshots keep the server's generation and creationTimestamp", () => {
    const cache = new ClusterCache(() => {});
    cache.replace(routes, [route('a', '10', 7)]);
    const [entry] = cache.snapshot.entries;
    assert.equal(entry.object.metadata.generation, 7);
    assert.equal(entry.object.metadata.creationTimestamp, '2025-01-01T00:00:00Z');
    assert.equal(entry.object.metadata.resourceVersion, undefined);
    assert.equal(cache.raw('HTTPRoute/default/a')?.metadata !== undefined, true);
  });

  test('a status write (new resourceVersion, same spec) makes no new snapshot', () => {
    let changes = 0;
    const cache = new ClusterCache(() => changes++);
    cache.replace(routes, [route('a', '10', 1)]);
    const first = cache.snapshot;
    cache.upsert(routes, route('a', '11', 1, '/', { parents: [] }));
    assert.equal(changes, 1);
    assert.equal(cache.snapshot, first);
    assert.deepEqual(cache.raw('HTTPRoute/default/a')?.status, { parents: [] });
  });

  test('a spec change makes a new snapshot and records the change', () => {
    const cache = new ClusterCache(() => {});
    cache.replace(routes, [route('a', '10', 1)]);
    const first = cache.snapshot;
    cache.upsert(routes, route('a', '12', 2, '/v2'));
    const second = cache.snapshot;
    assert.equal(second.version, first.version + 1);
    assert.equal(second.entries[0].object.metadata.generation, 2);
    assert.deepEqual(
      cache.changes
        .list(first.version)
        .flatMap((record) => record.changes.map((change) => [change.type, change.key])),
      [['modified', 'HTTPRoute/default/a']],
    );
  });

  test('a relist drops the objects of its scope that are gone, and only those', () => {
    const cache = new ClusterCache(() => {});
    const services: ReflectorScope = {
      served: { kind: 'Service', apiVersion: 'v1', resource: 'services', namespaced: true },
    };
    cache.replace(routes, [route('a', '1', 1), route('b', '2', 1)]);
    cache.replace(services, [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'echo', namespace: 'default' },
        spec: { ports: [{ port: 80 }] },
      },
    ]);
    cache.replace(routes, [route('b', '3', 1)]);
    assert.deepEqual(
      cache.snapshot.entries.map((entry) => `${entry.object.kind}/${entry.object.metadata.name}`),
      ['HTTPRoute/b', 'Service/echo'],
    );
  });

  test('an object that turns invalid keeps its last good version and reports the problem', () => {
    const cache = new ClusterCache(() => {});
    cache.replace(routes, [route('a', '1', 1)]);
    const good = cache.snapshot;
    const bad = route('a', '2', 2);
    bad.spec.rules[0].matches[0].path.value = 'no-leading-slash';
    cache.upsert(routes, bad);
    assert.equal(cache.snapshot, good);
    assert.equal(cache.problems()[0]?.object, 'HTTPRoute/default/a');
  });

  test('an object two scopes deliver stays until neither holds it', () => {
    const cache = new ClusterCache(() => {});
    const served = { kind: 'Pod', apiVersion: 'v1', resource: 'pods', namespaced: true };
    const byApp: ReflectorScope = { served, namespace: 'default', labelSelector: 'app=llama' };
    const byTier: ReflectorScope = { served, namespace: 'default', labelSelector: 'tier=gpu' };
    const pod = (name: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels: { app: 'llama', tier: 'gpu' } },
      spec: { containers: [{ name: 'vllm', image: 'vllm' }] },
    });
    const names = () => cache.snapshot.entries.map((entry) => entry.object.metadata.name);
    cache.replace(byApp, [pod('a'), pod('b')]);
    cache.replace(byTier, [pod('b')]);
    cache.replace(byApp, [pod('a')]);
    assert.deepEqual(names(), ['a', 'b'], 'b is still selected by tier');
    cache.remove(byTier, pod('b'));
    assert.deepEqual(names(), ['a']);
    cache.upsert(byTier, pod('a'));
    cache.forget(byApp);
    assert.deepEqual(names(), ['a'], 'a is still selected by tier');
    cache.forget(byTier);
    assert.deepEqual(names(), []);
  });

  test('the first snapshot is version 1 even when the cluster has nothing', () => {
    const cache = new ClusterCache(() => {});
    cache.replace(routes, []);
    assert.equal(cache.snapshot.version, 1);
    assert.equal(cache.snapshot.version, 1);
  });
});
