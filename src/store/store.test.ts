import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../resources/object.ts';
import { ObjectStore } from './store.ts';

function route(name: string, path: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: 'default', labels },
    spec: { rules: [{ matches: [{ path: { type: 'PathPrefix', value: path } }] }] },
  } as KubeObject;
}

function ticking(): () => Date {
  let seconds = 0;
  return () => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds++));
}

describe('ObjectStore', () => {
  test('the first replace yields version 1 even when empty', () => {
    const store = new ObjectStore();
    const snapshot = store.replace([]);
    assert.equal(snapshot?.version, 1);
    assert.deepEqual(snapshot?.entries, []);
    assert.equal(store.replace([]), undefined);
  });

  test('new objects get generation 1 and the time they were first seen', () => {
    const store = new ObjectStore({ clock: ticking() });
    const snapshot = store.replace([{ object: route('chat', '/chat'), source: { file: 'a.yaml', line: 1 } }]);
    const { metadata } = snapshot?.entries[0].object ?? assert.fail('no entry');
    assert.equal(metadata.generation, 1);
    assert.equal(metadata.creationTimestamp, '2026-01-01T00:00:00.000Z');
  });

  test('a creationTimestamp set in the file is kept', () => {
    const store = new ObjectStore();
    const object = route('chat', '/chat');
    object.metadata.creationTimestamp = '2020-05-05T00:00:00Z';
    const snapshot = store.replace([{ object }]);
    assert.equal(snapshot?.entries[0].object.metadata.creationTimestamp, '2020-05-05T00:00:00Z');
  });

  test('generation increases only when the spec changes; both survive reloads', () => {
    const store = new ObjectStore({ clock: ticking() });
    store.replace([{ object: route('chat', '/chat') }]);
    assert.equal(
      store.replace([{ object: route('chat', '/chat') }]),
      undefined,
      'identical reload is no change',
    );

    const relabelled = store.replace([{ object: route('chat', '/chat', { team: 'a' }) }]);
    assert.equal(relabelled?.version, 2);
    assert.equal(relabelled?.entries[0].object.metadata.generation, 1, 'labels are not spec');

    const edited = store.replace([{ object: route('chat', '/chat2', { team: 'a' }) }]);
    assert.equal(edited?.version, 3);
    assert.equal(edited?.entries[0].object.metadata.generation, 2);
    assert.equal(edited?.entries[0].object.metadata.creationTimestamp, '2026-01-01T00:00:00.000Z');
  });

  test('a generation written in the file is ignored: the store owns it', () => {
    const store = new ObjectStore();
    const object = route('chat', '/chat');
    object.metadata.generation = 42;
    assert.equal(store.replace([{ object }])?.entries[0].object.metadata.generation, 1);
  });

  test('kinds without a spec count their top-level data', () => {
    const store = new ObjectStore();
    const slice = (port: number) =>
      ({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'chat-1', namespace: 'default' },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['127.0.0.1'] }],
        ports: [{ port }],
      }) as KubeObject;
    store.replace([{ object: slice(1) }]);
    assert.equal(store.replace([{ object: slice(2) }])?.entries[0].object.metadata.generation, 2);
  });

  test('a deleted and re-added object starts over', () => {
    const store = new ObjectStore({ clock: ticking() });
    store.replace([{ object: route('chat', '/a') }]);
    store.replace([{ object: route('chat', '/b') }]);
    store.replace([]);
    const again = store.replace([{ object: route('chat', '/c') }]);
    assert.equal(again?.entries[0].object.metadata.generation, 1);
    assert.notEqual(again?.entries[0].object.metadata.creationTimestamp, '2026-01-01T00:00:00.000Z');
  });

  test('snapshots are immutable and sorted by key', () => {
    const store = new ObjectStore();
    const snapshot = store.replace([{ object: route('b', '/b') }, { object: route('a', '/a') }]);
    assert.deepEqual(
      snapshot?.entries.map((entry) => entry.object.metadata.name),
      ['a', 'b'],
    );
    assert.throws(() => {
      (snapshot?.entries[0].object.metadata as { name: string }).name = 'x';
    }, TypeError);
  });

  test('the input object is not modified', () => {
    const store = new ObjectStore();
    const object = route('chat', '/chat');
    store.replace([{ object }]);
    assert.equal(object.metadata.generation, undefined);
    assert.equal(Object.isFrozen(object), false);
  });

  test('the first of two objects with the same key wins', () => {
    const store = new ObjectStore();
    const snapshot = store.replace([
      { object: route('chat', '/first') },
      { object: route('chat', '/second') },
    ]);
    assert.equal(snapshot?.entries.length, 1);
    assert.deepEqual(snapshot?.entries[0].object, {
      ...route('chat', '/first'),
      metadata: snapshot?.entries[0].object.metadata,
    });
  });

  test('a move inside the file is not a change, but the new source is remembered', () => {
    const store = new ObjectStore();
    store.replace([{ object: route('chat', '/chat'), source: { file: 'a.yaml', line: 1 } }]);
    assert.equal(
      store.replace([{ object: route('chat', '/chat'), source: { file: 'a.yaml', line: 7 } }]),
      undefined,
    );
    assert.deepEqual(store.get('HTTPRoute/default/chat')?.source, { file: 'a.yaml', line: 7 });
  });

  test('the change log records what changed per version, with source and time', () => {
    const store = new ObjectStore({ clock: ticking() });
    store.replace([{ object: route('chat', '/chat'), source: { file: 'routes.yaml', line: 3 } }]);
    store.replace([
      { object: route('chat', '/v2'), source: { file: 'routes.yaml', line: 3 } },
      { object: route('embed', '/embed'), source: { file: 'embed.yaml', line: 1 } },
    ]);
    store.replace([{ object: route('embed', '/embed'), source: { file: 'embed.yaml', line: 1 } }]);
    const records = store.changes.list();
    assert.deepEqual(
      records.map((record) => [
        record.version,
        record.time,
        record.changes.map((c) => `${c.type} ${c.key} g${c.generation}`),
      ]),
      [
        [1, '2026-01-01T00:00:00.000Z', ['added HTTPRoute/default/chat g1']],
        [
          2,
          '2026-01-01T00:00:01.000Z',
          ['modified HTTPRoute/default/chat g2', 'added HTTPRoute/default/embed g1'],
        ],
        [3, '2026-01-01T00:00:02.000Z', ['deleted HTTPRoute/default/chat g2']],
      ],
    );
    assert.deepEqual(records[2].changes[0].source, { file: 'routes.yaml', line: 3 });
    assert.deepEqual(
      store.changes.list(2).map((record) => record.version),
      [3],
    );
  });

  test('the change log keeps a bounded history', () => {
    const store = new ObjectStore({ changeLogLimit: 2 });
    for (let i = 0; i < 5; i++) store.replace([{ object: route('chat', `/${i}`) }]);
    assert.deepEqual(
      store.changes.list().map((record) => record.version),
      [4, 5],
    );
  });
});
