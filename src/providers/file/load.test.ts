import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadDirectories } from './load.ts';

let root = '';

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-load-'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh directory holding `files` (relative path → text). */
async function directory(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const configMap = (name: string, namespace = 'default') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n`;

test('finds .yaml, .yml and .json files recursively in sorted order, skipping hidden entries and other files', async () => {
  const dir = await directory('order', {
    'b.yml': configMap('b'),
    'a.yaml': configMap('a'),
    'sub/c.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }),
    'sub/.d.yaml': configMap('d'),
    '..data/e.yaml': configMap('e'),
    'notes.txt': 'not a manifest',
  });
  const { objects, problems, files } = await loadDirectories([dir]);
  assert.deepEqual(problems, []);
  assert.deepEqual(files, [join(dir, 'a.yaml'), join(dir, 'b.yml'), join(dir, 'sub', 'c.json')]);
  assert.deepEqual(
    objects.map(({ object, source }) => [object.metadata.name, source.line]),
    [
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ],
  );
});

test('a file can be named directly; a directory named twice or reached by a symlink loop is read once', async () => {
  const dir = await directory('links', { 'a.yaml': configMap('a') });
  await symlink(dir, join(dir, 'loop'));
  const { objects, problems, files } = await loadDirectories([dir, dir, join(dir, 'a.yaml')]);
  assert.deepEqual(problems, []);
  assert.deepEqual(files, [join(dir, 'a.yaml')]);
  assert.equal(objects.length, 1);
});

test('problems carry file, line, object and the field path; invalid objects are left out', async () => {
  const dir = await directory('problems', {
    'svc.yaml': `apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  ports:
    - port: 0
---
apiVersion: v1
kind: Service
metadata:
  name: ok
spec:
  ports:
    - port: 80
      colour: blue
`,
    'broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n',
  });
  const { objects, problems } = await loadDirectories([dir]);
  assert.deepEqual(
    objects.map((o) => o.object.metadata.name),
    ['ok'],
  );
  assert.deepEqual(problems, [
    { file: join(dir, 'broken.yaml'), line: 4, severity: 'error', message: problems[0].message },
    {
      file: join(dir, 'svc.yaml'),
      line: 7,
      object: 'Service/default/api',
      severity: 'error',
      message: 'spec.ports[0].port: must be between 1 and 65535, not 0',
    },
    {
      file: join(dir, 'svc.yaml'),
      line: 16,
      object: 'Service/default/ok',
      severity: 'warning',
      message: 'spec.ports[0].colour: unknown field; it is ignored',
    },
  ]);
  assert.match(problems[0].message, /^invalid YAML: /);
});

test('the same kind, namespace and name twice: the later one (by file order) is an error and left out', async () => {
  const dir = await directory('duplicates', {
    'a.yaml': `${configMap('x')}---\n${configMap('x', 'other')}---\n${configMap('x')}`,
    'b.yaml': `${configMap('x', 'other')}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n`,
  });
  const { objects, problems } = await loadDirectories([dir]);
  assert.deepEqual(
    objects.map(
      ({ object, source }) =>
        `${object.kind}/${object.metadata.namespace}/${object.metadata.name}@${source.line}`,
    ),
    ['ConfigMap/default/x@1', 'ConfigMap/other/x@7', 'Secret/default/x@7'],
  );
  assert.deepEqual(
    problems.map((p) => `${p.file.slice(dir.length + 1)}:${p.line}: ${p.object}: ${p.message}`),
    [
      `a.yaml:13: ConfigMap/default/x: duplicate object: ConfigMap/default/x is already defined at ${join(dir, 'a.yaml')}:1; this one is ignored`,
      `b.yaml:1: ConfigMap/other/x: duplicate object: ConfigMap/other/x is already defined at ${join(dir, 'a.yaml')}:7; this one is ignored`,
    ],
  );
});
