import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Secret } from '../core.ts';
import { admissionCases, admitted } from '../testing.ts';

function secret(fields: Record<string, unknown>) {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cert' }, ...fields };
}

test('Secret stringData is merged into data as base64 and removed; type defaults to Opaque', () => {
  const object = admitted<Secret>(
    secret({ data: { a: 'YQ==', b: 'eA==' }, stringData: { b: 'bee', 'c.txt': 'sea' } }),
  );
  assert.deepEqual(object.data, { a: 'YQ==', b: 'YmVl', 'c.txt': 'c2Vh' });
  assert.equal(object.stringData, undefined);
  assert.equal(object.type, 'Opaque');
});

admissionCases('Secret', [
  {
    name: 'a TLS secret from stringData',
    manifest: secret({ type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'c', 'tls.key': 'k' } }),
  },
  {
    name: 'a TLS secret without its key',
    manifest: secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'YQ==' } }),
    problems: ['data: a Secret of type kubernetes.io/tls must have the key "tls.key"'],
  },
  {
    name: 'data that is not base64',
    manifest: secret({ data: { a: 'not base64!' } }),
    problems: ['data.a: must be base64'],
  },
  { name: 'base64 split over lines', manifest: secret({ data: { a: 'YWJj\nZGVm' } }) },
  {
    name: 'a key that is not a file name',
    manifest: secret({ stringData: { 'a/b': 'x' } }),
    problems: ['data["a/b"]: invalid key "a/b"'],
  },
  {
    name: 'a value that is not a string',
    manifest: secret({ stringData: { port: 80 } }),
    problems: ['stringData.port: must be a string, not the number 80'],
  },
]);
