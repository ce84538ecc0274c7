import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseManifests } from './parse.ts';

const multiDocument = `# routes for the demo
---
apiVersion: v1
kind: Namespace
metadata:
  name: apps
  labels:
    app.kubernetes.io/name: demo
---
---
# only a comment
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  rules:
  - matches:
    - path: {type: Exact, value: /a}
    - path:
        type: PathPrefix
        value: /b
    backendRefs:
    - name: svc
`;

test('multi-document YAML: objects start at their first line, empty documents are skipped', () => {
  const { objects, problems } = parseManifests('m.yaml', multiDocument);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    objects.map((o) => o.source),
    [
      { file: 'm.yaml', line: 3 },
      { file: 'm.yaml', line: 13 },
    ],
  );
});

test('lineOf finds map keys, list items and flow mappings; a missing field points at its parent', () => {
  const [namespace, route] = parseManifests('m.yaml', multiDocument).objects;
  const cases: [typeof route, string, number][] = [
    [namespace, '', 3],
    [namespace, 'metadata.labels["app.kubernetes.io/name"]', 8],
    [route, 'metadata.name', 15],
    [route, 'spec.rules[0]', 18],
    [route, 'spec.rules[0].matches[0].path.value', 19],
    [route, 'spec.rules[0].matches[1].path.value', 22],
    [route, 'spec.rules[0].backendRefs[0].port', 24],
    [route, 'spec.rules[0].backendRefs[5]', 23],
    [route, 'spec.hostnames[0]', 16],
  ];
  for (const [object, path, line] of cases) assert.equal(object.lineOf(path), line, path);
});

test('JSON files are parsed with lines too', () => {
  const text =
    '{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "metadata": {\n    "name": "a"\n  },\n  "spec": {\n    "ports": [\n      {"port": 80}\n    ]\n  }\n}\n';
  const { objects, problems } = parseManifests('s.json', text);
  assert.deepEqual(problems, []);
  assert.equal(objects.length, 1);
  assert.equal(objects[0].source.line, 1);
  assert.equal(objects[0].lineOf('metadata.name'), 5);
  assert.equal(objects[0].lineOf('spec.ports[0].port'), 9);
});

test('kind: List gives one object per item, with lines inside the list', () => {
  const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: a
- apiVersion: v1
  kind: Service
  metadata:
    name: b
`;
  const { objects } = parseManifests('list.yaml', text);
  assert.deepEqual(
    objects.map((o) => [o.source.line, o.lineOf('metadata.name'), o.lineOf('spec.ports')]),
    [
      [4, 7, 4],
      [8, 11, 8],
    ],
  );
  assert.deepEqual(objects[1].raw, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'b' } });
});

test('syntax errors, duplicate keys and non-mapping documents are problems; other documents still load', () => {
  const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
a: [1, 2
---
- just
- a list
---
kind: ConfigMap
kind: Secret
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b}
`;
  const { objects, problems } = parseManifests('bad.yaml', text);
  assert.deepEqual(
    objects.map((o) => o.source.line),
    [1, 13],
  );
  assert.deepEqual(
    problems.map((p) => [p.line, p.message.split(':')[0]]),
    [
      [6, 'invalid YAML'], // where the parser finds the unclosed list: the next line
      [7, 'a manifest must be a mapping with apiVersion, kind and metadata (or a List with items)'],
      [11, 'invalid YAML'],
    ],
  );
  assert.match(problems[2].message, /unique/);
});

test('merge keys and anchors work as in Kubernetes YAML', () => {
  const text = `apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  labels: &common {team: x}
  annotations:
    <<: *common
    extra: y
`;
  const [object] = parseManifests('merge.yaml', text).objects;
  assert.deepEqual(object.raw, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'a', labels: { team: 'x' }, annotations: { team: 'x', extra: 'y' } },
  });
});
