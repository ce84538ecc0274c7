import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPath, parsePath } from './field-path.ts';

const cases: { segments: (string | number)[]; path: string }[] = [
  { segments: [], path: '' },
  {
    segments: ['spec', 'rules', 0, 'matches', 1, 'path', 'value'],
    path: 'spec.rules[0].matches[1].path.value',
  },
  {
    segments: ['metadata', 'labels', 'app.kubernetes.io/name'],
    path: 'metadata.labels["app.kubernetes.io/name"]',
  },
  { segments: ['data', 'tls.crt'], path: 'data["tls.crt"]' },
  { segments: ['data', 'a"b'], path: 'data["a\\"b"]' },
  { segments: [3, 'x'], path: '[3].x' },
];

for (const { segments, path } of cases) {
  test(`field path ${JSON.stringify(path)} formats and parses back`, () => {
    assert.equal(formatPath(segments), path);
    assert.deepEqual(parsePath(path), segments);
  });
}

test('a malformed tail of a field path is ignored', () => {
  assert.deepEqual(parsePath('spec.rules[x'), ['spec', 'rules']);
});
