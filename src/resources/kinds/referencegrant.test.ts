import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReferenceGrant } from '../gateway-api.ts';
import { admissionCases, admitted } from '../testing.ts';

function grant(spec: unknown, apiVersion = 'gateway.networking.k8s.io/v1') {
  return { apiVersion, kind: 'ReferenceGrant', metadata: { name: 'grant', namespace: 'backends' }, spec };
}

const from = { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'apps' };
const to = { group: '', kind: 'Service' };

test('ReferenceGrant v1beta1 is admitted as v1, with no defaults added', () => {
  const object = admitted<ReferenceGrant>(
    grant({ from: [from], to: [to] }, 'gateway.networking.k8s.io/v1beta1'),
  );
  assert.equal(object.apiVersion, 'gateway.networking.k8s.io/v1');
  assert.deepEqual(object.spec, { from: [from], to: [to] });
});

admissionCases('ReferenceGrant', [
  { name: 'to a named Service', manifest: grant({ from: [from], to: [{ ...to, name: 'svc' }] }) },
  {
    name: 'empty from and to',
    manifest: grant({ from: [], to: [] }),
    problems: ['spec.from: must have at least 1 item', 'spec.to: must have at least 1 item'],
  },
  {
    name: 'from without namespace, to without group',
    manifest: grant({ from: [{ group: '', kind: 'Gateway' }], to: [{ kind: 'Secret' }] }),
    problems: [
      'spec.from[0].namespace: required field is missing',
      'spec.to[0].group: required field is missing',
    ],
  },
  {
    name: 'more than 16 entries',
    manifest: grant({ from: Array.from({ length: 17 }, () => from), to: [to] }),
    problems: ['spec.from: must have at most 16 items, not 17'],
  },
  {
    name: 'a status is not part of the CRD',
    manifest: { ...grant({ from: [from], to: [to] }), status: {} },
    problems: ['warning status: unknown field; it is ignored'],
  },
]);
