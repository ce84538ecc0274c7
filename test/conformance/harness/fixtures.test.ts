// Tests for the fixtures that stand in for cluster machinery: EndpointSlices and port mapping.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpointSliceFor, mapContainerPorts, type Pod } from './fixtures.ts';
import type { Manifest } from './manifest-store.ts';

function pod(name: string, app: string, ip: string, namespace = 'infra'): Pod {
  const echo = { address: ip, port: 4000, h2cPort: 4001, requests: [], close: async () => {} };
  return { name, namespace, labels: { app }, ip, echo };
}

const containerPorts = new Map([
  [3000, 4000],
  [3001, 4001],
]);

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
  mapContainerPorts(svc, containerPorts);
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

test('mapContainerPorts rewrites ports 3000 and 3001 of EndpointSlices and leaves other ports alone', () => {
  const slice: Manifest = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 's', namespace: 'infra' },
    ports: [
      { name: 'a', port: 3000 },
      { name: 'b', port: 443 },
      { name: 'c', port: 3001 },
    ],
  };
  mapContainerPorts(slice, containerPorts);
  assert.deepEqual(slice.ports, [
    { name: 'a', port: 4000 },
    { name: 'b', port: 443 },
    { name: 'c', port: 4001 },
  ]);
});

test('a Service keeps each port apart in its slice, with its appProtocol', () => {
  const svc = service({
    selector: { app: 'v1' },
    ports: [
      { name: 'first-port', port: 8080, targetPort: 3000 },
      { name: 'second-port', appProtocol: 'kubernetes.io/h2c', port: 8081, targetPort: 3001 },
    ],
  });
  mapContainerPorts(svc, containerPorts);
  assert.deepEqual(endpointSliceFor(svc, pods)?.ports, [
    { name: 'first-port', port: 4000, protocol: 'TCP' },
    { name: 'second-port', port: 4001, protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
  ]);
});
