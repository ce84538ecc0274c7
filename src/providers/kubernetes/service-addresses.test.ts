import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../resources/object.ts';
import type { ObjectStatus } from '../../translate/types.ts';
import { ServiceAddressFollower, serviceAddresses, withPublishedAddresses } from './service-addresses.ts';

function service(spec: Record<string, unknown>, status: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'sluice', namespace: 'sluice' },
    spec,
    status,
  };
}

describe('serviceAddresses', () => {
  test("a load balancer's ingress IPs and hostnames, and external IPs, before the cluster IP", () => {
    const balanced = service(
      {
        type: 'LoadBalancer',
        clusterIP: '10.96.0.10',
        clusterIPs: ['10.96.0.10'],
        externalIPs: ['192.0.2.7'],
      },
      { loadBalancer: { ingress: [{ ip: '203.0.113.5' }, { hostname: 'lb.example.com' }] } },
    );
    assert.deepEqual(serviceAddresses(balanced), [
      { type: 'IPAddress', value: '203.0.113.5' },
      { type: 'Hostname', value: 'lb.example.com' },
      { type: 'IPAddress', value: '192.0.2.7' },
    ]);
  });

  test('the cluster IPs (both families) while the load balancer has none, or for a ClusterIP Service', () => {
    const pending = service(
      { type: 'LoadBalancer', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10', 'fd00::10'] },
      { loadBalancer: {} },
    );
    assert.deepEqual(serviceAddresses(pending), [
      { type: 'IPAddress', value: '10.96.0.10' },
      { type: 'IPAddress', value: 'fd00::10' },
    ]);
  });

  test('nothing for a headless Service', () => {
    assert.deepEqual(serviceAddresses(service({ clusterIP: 'None', clusterIPs: ['None'] })), []);
  });
});

describe('withPublishedAddresses', () => {
  const gateway = (name: string, addresses?: unknown[]): ObjectStatus => ({
    object: {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name, namespace: 'default' },
      spec: { gatewayClassName: 'sluice', listeners: [], ...(addresses && { addresses }) },
    } as KubeObject,
    status: { addresses: [{ type: 'IPAddress', value: '127.0.0.1' }], conditions: [] },
  });

  test('Gateways that ask for no address show the published ones; the others keep what they asked for', () => {
    const statuses = new Map([
      ['Gateway/default/plain', gateway('plain')],
      ['Gateway/default/pinned', gateway('pinned', [{ type: 'IPAddress', value: '127.0.0.1' }])],
    ]);
    const published = withPublishedAddresses(statuses, [{ type: 'Hostname', value: 'lb.example.com' }]);
    assert.deepEqual(published.get('Gateway/default/plain')?.status.addresses, [
      { type: 'Hostname', value: 'lb.example.com' },
    ]);
    assert.equal(published.get('Gateway/default/pinned'), statuses.get('Gateway/default/pinned'));
    assert.deepEqual(statuses.get('Gateway/default/plain')?.status.addresses, [
      { type: 'IPAddress', value: '127.0.0.1' },
    ]);
  });
});

describe('ServiceAddressFollower', () => {
  test('reports each change of the addresses once, and undefined when the Service goes', () => {
    const reports: unknown[] = [];
    const follower = new ServiceAddressFollower((addresses) => reports.push(addresses));
    const scope = { served: { kind: 'Service', apiVersion: 'v1', resource: 'services', namespaced: true } };
    follower.replace(scope, []);
    follower.replace(scope, [service({ clusterIPs: ['10.96.0.10'] })]);
    follower.upsert(scope, service({ clusterIPs: ['10.96.0.10'] }, { loadBalancer: {} }));
    follower.remove();
    assert.deepEqual(reports, [[{ type: 'IPAddress', value: '10.96.0.10' }], undefined]);
  });
});
