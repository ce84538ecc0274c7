import { admissionCases } from '../testing.ts';

function configMap(fields: Record<string, unknown>) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ca', namespace: 'apps' }, ...fields };
}

admissionCases('ConfigMap', [
  {
    name: 'text and binary data',
    manifest: configMap({ data: { 'ca.crt': '-----BEGIN' }, binaryData: { blob: 'AAE=' } }),
  },
  {
    name: 'a key in both maps',
    manifest: configMap({ data: { a: 'x' }, binaryData: { a: 'AAE=' } }),
    problems: ['binaryData.a: duplicate key "a": it is also in data'],
  },
  {
    name: 'binaryData that is not base64',
    manifest: configMap({ binaryData: { a: '***' } }),
    problems: ['binaryData.a: must be base64'],
  },
  {
    name: 'a key starting with ".."',
    manifest: configMap({ data: { '..a': 'x' } }),
    problems: ['data["..a"]: invalid key "..a"'],
  },
  {
    name: 'more than 1 MiB',
    manifest: configMap({ data: { a: 'x'.repeat(1024 * 1024 + 1) } }),
    problems: [': the data must total at most 1048576 bytes, not 1048577'],
  },
]);
