import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { type AddressBlock, claimAddressBlock } from '../../conformance/harness/address-block.ts';
import type { Manifest } from '../../conformance/harness/manifest-store.ts';
import { type ModelServers, startModelServers } from './model-servers.ts';

/** Two pods of two echo-basic containers, the second with an h2c port too. */
const deployment: Manifest = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'ranks-deployment', namespace: 'models' },
  spec: {
    replicas: 2,
    template: {
      metadata: { labels: { app: 'ranks' } },
      spec: {
        containers: [
          { name: 'rank-0', image: 'echo-basic' },
          {
            name: 'rank-1',
            image: 'echo-basic',
            env: [
              { name: 'HTTP_PORT', value: '3002' },
              { name: 'H2C_PORT', value: '3003' },
            ],
          },
        ],
      },
    },
  },
};

describe('model servers of a Deployment', () => {
  let block: AddressBlock;
  let servers: ModelServers;

  before(async () => {
    // A block no conformance file uses, so this runs beside the suites.
    block = await claimAddressBlock(210);
    servers = await startModelServers(block.podAddress, [deployment]);
  });

  after(async () => {
    await servers.close();
    await block.release();
  });

  it('runs each pod on its own address, every container port on the same real port in every pod', () => {
    assert.deepEqual(
      servers.pods.map((pod) => pod.ip),
      [block.podAddress(0), block.podAddress(1)],
    );
    for (const pod of servers.pods) {
      assert.match(pod.name, /^ranks-deployment-[a-z0-9]{10}-[a-z0-9]{5}$/);
      assert.deepEqual(pod.labels, { app: 'ranks' });
      assert.deepEqual(
        pod.servers.map((server) => [server.port, server.h2cPort]),
        [
          [servers.port(3000), undefined],
          [servers.port(3002), servers.port(3003)],
        ],
      );
    }
    assert.equal(servers.containerPort(servers.port(3002)), 3002);
    assert.equal(servers.mapped(8888), 8888);
    assert.throws(() => servers.port(3004), /no pod serves container port 3004/);
  });

  it('writes a running, ready Pod per pod', () => {
    const [pod] = servers.podObjects;
    assert.deepEqual(pod.metadata, {
      name: servers.pods[0].name,
      namespace: 'models',
      labels: { app: 'ranks' },
    });
    assert.deepEqual(pod.status, {
      phase: 'Running',
      podIP: block.podAddress(0),
      conditions: [{ type: 'Ready', status: 'True' }],
    });
    assert.equal(servers.podObjects.length, 2);
  });

  it('answers as echo-basic, naming the pod and the container port it was reached on', async () => {
    const pod = servers.pods[1];
    const response = await request(`http://${pod.ip}:${servers.port(3002)}/echo`);
    const echoed = (await response.body.json()) as { pod: string; namespace: string; httpPort: string };
    assert.deepEqual(
      [echoed.pod, echoed.namespace, servers.containerPort(Number(echoed.httpPort))],
      [pod.name, 'models', 3002],
    );
  });
});
