import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ObjectStore } from '../../store/store.ts';
import { FileProvider } from './provider.ts';

function route(name: string, path: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${name}
spec:
  parentRefs:
    - name: edge
  rules:
    - matches:
        - path:
            type: PathPrefix
            value: ${path}
`;
}

const service = `apiVersion: v1
kind: Service
metadata:
  name: chat
spec:
  ports:
    - port: 80
`;

describe('FileProvider', () => {
  let root = '';
  let dir = '';
  let store: ObjectStore;
  let provider: FileProvider;
  let changes = 0;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'sluice-provider-'));
    dir = join(root, 'config');
    await mkdir(dir);
    store = new ObjectStore();
    changes = 0;
  });

  afterEach(async () => {
    provider?.close();
    await rm(root, { recursive: true, force: true });
  });

  const start = async () => {
    provider = new FileProvider([dir], store, { debounceMs: 10, retryMs: 10 });
    await provider.start(() => changes++);
  };

  /** Waits until the store has moved past `version` (the watcher saw the edit and the reload finished). */
  const nextVersion = async (version = store.snapshot.version) => {
    while (store.snapshot.version <= version) await new Promise((resolve) => setTimeout(resolve, 10));
    await provider.idle();
    return store.snapshot;
  };

  const paths = () =>
    store.snapshot.entries
      .filter((entry) => entry.object.kind === 'HTTPRoute')
      .map((entry) => {
        const spec = (
          entry.object as unknown as { spec: { rules: { matches: { path: { value: string } }[] }[] } }
        ).spec;
        return `${entry.object.metadata.name}=${spec.rules[0].matches[0].path.value}`;
      });

  test('the initial load is in the store when start resolves', async () => {
    await writeFile(join(dir, 'routes.yaml'), `${route('a', '/a')}---\n${route('b', '/b')}`);
    await start();
    assert.equal(store.snapshot.version, 1);
    assert.equal(changes, 1);
    assert.deepEqual(paths(), ['a=/a', 'b=/b']);
    const source = store.get('HTTPRoute/default/b')?.source;
    assert.equal(source?.file, join(dir, 'routes.yaml'));
    assert.ok((source?.line ?? 0) >= 14, 'the second document starts after the first');
    assert.deepEqual(provider.problems(), []);
  });

  test('an empty directory still yields a first snapshot', async () => {
    await start();
    assert.equal(store.snapshot.version, 1);
    assert.equal(changes, 1);
  });

  test('edits, new files in subdirectories and deletions are followed', async () => {
    await writeFile(join(dir, 'a.yaml'), route('a', '/a'));
    await start();
    await writeFile(join(dir, 'a.yaml'), route('a', '/a2'));
    await nextVersion();
    assert.deepEqual(paths(), ['a=/a2']);
    assert.equal(store.get('HTTPRoute/default/a')?.object.metadata.generation, 2);

    await mkdir(join(dir, 'more'));
    await writeFile(join(dir, 'more', 'b.yaml'), route('b', '/b'));
    await nextVersion();
    assert.deepEqual(paths(), ['a=/a2', 'b=/b']);

    await rm(join(dir, 'a.yaml'));
    await nextVersion();
    assert.deepEqual(paths(), ['b=/b']);
  });

  test('editor-style rename-replace is followed', async () => {
    await writeFile(join(dir, 'a.yaml'), route('a', '/a'));
    await start();
    await writeFile(join(dir, '.a.yaml.tmp'), route('a', '/renamed'));
    await rename(join(dir, '.a.yaml.tmp'), join(dir, 'a.yaml'));
    await nextVersion();
    assert.deepEqual(paths(), ['a=/renamed']);
  });

  test('a file that stops parsing keeps the objects it contributed', async () => {
    await writeFile(join(dir, 'routes.yaml'), route('a', '/a'));
    await writeFile(join(dir, 'other.yaml'), route('b', '/b'));
    await start();

    await writeFile(join(dir, 'routes.yaml'), `${route('a', '/changed')}  - [unclosed\n`);
    // The other file's edit proves the reload happened: its change is applied while routes.yaml's is not.
    await writeFile(join(dir, 'other.yaml'), route('b', '/b2'));
    await nextVersion();
    assert.deepEqual(paths(), ['a=/a', 'b=/b2']);
    const [problem] = provider.problems();
    assert.equal(problem.file, join(dir, 'routes.yaml'));
    assert.equal(problem.severity, 'error');
    assert.ok(problem.line > 0, 'the problem has a line');

    await writeFile(join(dir, 'routes.yaml'), route('a', '/fixed'));
    await nextVersion();
    assert.deepEqual(paths(), ['a=/fixed', 'b=/b2']);
    assert.deepEqual(provider.problems(), []);
  });

  test('an object that becomes invalid keeps its last good version; its neighbours move on', async () => {
    await writeFile(join(dir, 'routes.yaml'), `${route('a', '/a')}---\n${route('b', '/b')}`);
    await start();
    await writeFile(join(dir, 'routes.yaml'), `${route('a', 'no-leading-slash')}---\n${route('b', '/b2')}`);
    await nextVersion();
    assert.deepEqual(paths(), ['a=/a', 'b=/b2']);
    assert.equal(store.get('HTTPRoute/default/a')?.object.metadata.generation, 1);
    const problems = provider.problems().filter((problem) => problem.severity === 'error');
    assert.equal(problems.length, 1);
    assert.equal(problems[0].object, 'HTTPRoute/default/a');
    assert.equal(problems[0].line, 12);
  });

  test('an object that was never valid is absent', async () => {
    await writeFile(join(dir, 'routes.yaml'), `${route('a', 'bad')}---\n${service}`);
    await start();
    assert.deepEqual(
      store.snapshot.entries.map((entry) => entry.object.kind),
      ['Service'],
    );
    assert.equal(provider.problems()[0]?.object, 'HTTPRoute/default/a');
  });

  test('a config directory that is deleted keeps its objects until it is back', async () => {
    await writeFile(join(dir, 'a.yaml'), route('a', '/a'));
    await start();
    await rm(dir, { recursive: true });
    // Nothing changes while it is gone; recreate it with new content and wait for that content.
    await mkdir(dir);
    await writeFile(join(dir, 'a.yaml'), route('a', '/back'));
    while (paths()[0] !== 'a=/back') await nextVersion();
    assert.deepEqual(paths(), ['a=/back']);
    assert.deepEqual(
      store.changes.list().flatMap((record) => record.changes.map((change) => change.type)),
      ['added', 'modified'],
      'the object was never deleted on the way',
    );
  });
});
