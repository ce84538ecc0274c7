// Tests for the fixtures that stand in for cluster machinery: EndpointSlices, port mapping, certificates.

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createCertificates, endpointSliceFor, mapContainerPort, type Pod } from './fixtures.ts';
import type { Manifest } from './manifest-store.ts';

function pod(name: string, app: string, ip: string, namespace = 'infra'): Pod {
  const echo = { address: ip, port: 4000, requests: [], close: async () => {} };
  return { name, namespace, labels: { app }, ip, echo };
}

const pods = [
  pod('v1-a-b', 'v1', '127.41.1.10'),
  pod('v1-a-c', 'v1', '127.41.1.11'),
  pod('v2-d-e', 'v2', '127.41.1.12'),
  pod('v1-f-g', 'v1', '127.41.1.13', 'elsewhere'),
];

function service(spec: Record<string, unknown>): Manifest {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'infra' }, spec };
}

test('a Service with a selector gets a slice of its ready pods in its namespace, on the target port', () => {
  const svc = service({
    selector: { app: 'v1' },
    ports: [{ name: 'first-port', port: 8080, targetPort: 3000 }],
  });
  mapContainerPort(svc, 4000);
  const slice = endpointSliceFor(svc, pods);
  assert.ok(slice);
  assert.equal(slice.metadata.labels?.['kubernetes.io/service-name'], 'svc');
  assert.match(slice.metadata.name, /^svc-[a-z0-9]{5}$/);
  assert.equal(slice.addressType, 'IPv4');
  assert.deepEqual(slice.ports, [{ name: 'first-port', port: 4000, protocol: 'TCP' }]);
  assert.deepEqual(
    (slice.endpoints as { addresses: string[] }[]).map((endpoint) => endpoint.addresses),
    [['127.41.1.10'], ['127.41.1.11']],
  );
});

test('a Service without a selector gets no slice', () => {
  assert.equal(endpointSliceFor(service({ ports: [{ port: 8080 }] }), pods), undefined);
});

test('mapContainerPort rewrites port 3000 of EndpointSlices and leaves other ports alone', () => {
  const slice: Manifest = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 's', namespace: 'infra' },
    ports: [
      { name: 'a', port: 3000 },
      { name: 'b', port: 443 },
    ],
  };
  mapContainerPort(slice, 4000);
  assert.deepEqual(slice.ports, [
    { name: 'a', port: 4000 },
    { name: 'b', port: 443 },
  ]);
});

test('certificates carry the SANs of upstream', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-fixtures-'));
  try {
    const certificates = await createCertificates(dir);
    const san = (pem: string) => new X509Certificate(pem).subjectAltName;
    assert.equal(san(certificates.tlsValidityChecks.certPem), 'DNS:*, DNS:*.org, DNS:*.wildcard.org');
    assert.equal(san(certificates.webBackend.certPem), 'DNS:*');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
