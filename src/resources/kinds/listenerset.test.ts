import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ListenerSet } from '../gateway-api.ts';
import { admissionCases, admitted } from '../testing.ts';

function listenerSet(spec: Record<string, unknown>, apiVersion = 'gateway.networking.k8s.io/v1') {
  return { apiVersion, kind: 'ListenerSet', metadata: { name: 'extra', namespace: 'apps' }, spec };
}

const parentRef = { name: 'shared', namespace: 'infra' };
const http = { name: 'http', port: 8080, protocol: 'HTTP', hostname: 'apps.example.com' };
const https = { name: 'https', port: 8443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'cert' }] } };

function listeners(...items: Record<string, unknown>[]) {
  return listenerSet({ parentRef, listeners: items });
}

test('ListenerSet defaults: parentRef group and kind, listener allowedRoutes and tls as on a Gateway', () => {
  const object = admitted<ListenerSet>(listeners(http, https));
  assert.deepEqual(object.spec.parentRef, {
    name: 'shared',
    namespace: 'infra',
    group: 'gateway.networking.k8s.io',
    kind: 'Gateway',
  });
  const [plain, secure] = object.spec.listeners;
  assert.deepEqual(plain.allowedRoutes, { namespaces: { from: 'Same' } });
  assert.deepEqual(secure.tls, {
    certificateRefs: [{ name: 'cert', group: '', kind: 'Secret' }],
    mode: 'Terminate',
  });
});

admissionCases('ListenerSet', [
  {
    name: 'HTTP, HTTPS, TLS passthrough, TCP and UDP listeners',
    manifest: listeners(
      http,
      https,
      { name: 'tls', port: 9443, protocol: 'TLS', tls: { mode: 'Passthrough' } },
      { name: 'tcp', port: 9000, protocol: 'TCP' },
      { name: 'udp', port: 9000, protocol: 'UDP' },
    ),
  },
  {
    name: 'only v1 is served',
    manifest: listenerSet({ parentRef, listeners: [http] }, 'gateway.networking.k8s.io/v1alpha1'),
    problems: ['apiVersion: ListenerSet is served as "gateway.networking.k8s.io/v1", not'],
  },
  {
    name: 'no parentRef, no listeners',
    manifest: listenerSet({}),
    problems: ['spec.parentRef: required field is missing', 'spec.listeners: required field is missing'],
  },
  {
    name: 'an empty listener list, a parentRef without name',
    manifest: listenerSet({ parentRef: { namespace: 'infra' }, listeners: [] }),
    problems: ['spec.parentRef.name: required field is missing', 'spec.listeners: must have at least 1 item'],
  },
  {
    name: 'a parentRef with a bad namespace',
    manifest: listenerSet({ parentRef: { name: 'gw', namespace: 'Infra' }, listeners: [http] }),
    problems: ['spec.parentRef.namespace: invalid value "Infra"'],
  },
  {
    name: 'the Gateway listener rules: tls on HTTP, hostname on TCP',
    manifest: listeners(
      { ...http, tls: https.tls },
      { name: 'tcp', port: 9000, protocol: 'TCP', hostname: 'a.b' },
    ),
    problems: [
      'spec.listeners[0].tls: must not be set for protocol HTTP',
      'spec.listeners[1].hostname: must not be set for protocol TCP',
    ],
  },
  {
    name: 'Terminate without certificates',
    manifest: listeners({ ...https, tls: { mode: 'Terminate' } }),
    problems: ['spec.listeners[0].tls.certificateRefs: mode Terminate needs certificateRefs'],
  },
  {
    name: 'TLS without tls',
    manifest: listeners({ name: 'tls', port: 9443, protocol: 'TLS' }),
    problems: ['spec.listeners[0].tls: required for protocol TLS'],
  },
  {
    name: 'duplicate names',
    manifest: listeners(http, { ...http, port: 9090 }),
    problems: ['spec.listeners[1]: duplicate entry for name "http"'],
  },
  {
    name: 'the same port, protocol and hostname',
    manifest: listeners(http, { ...http, name: 'other' }),
    problems: [
      'spec.listeners[1]: listener "http" already uses port 8080, protocol HTTP and hostname "apps.example.com"',
    ],
  },
]);
