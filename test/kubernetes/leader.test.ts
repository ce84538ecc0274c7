// Two `sluice serve --kubernetes` replicas against a real API server: both serve traffic, only the Lease
// holder writes status, and when it stops (gracefully or killed) the other takes over and keeps status current.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { EchoServer } from '../../src/sim/echo.ts';
import { startEchoServer } from '../../src/sim/echo.ts';
import { eventually, freePort, get, SluiceChild } from '../e2e/harness.ts';
import { backend, gateway, route, sluiceClass } from './manifests.ts';
import { backendAddress } from './netns.ts';
import { describeKubernetes } from './suite.ts';
import { startTestbed, type Testbed } from './testbed.ts';

await describeKubernetes(import.meta.filename, 'leader election between replicas', () => {
  let bed: Testbed;
  let echo: EchoServer;
  let port: number;
  const replicas = new Map<string, SluiceChild>();

  /** A replica named `identity` that binds Gateways on `address`. */
  const startReplica = (identity: string, address: string): SluiceChild => {
    const child = new SluiceChild([
      'serve',
      '--kubernetes',
      '--kubeconfig',
      bed.kubeconfig,
      '--admin-address',
      `${address}:0`,
      '--default-address',
      address,
      '--identity',
      identity,
      '--lease-duration',
      '3',
    ]);
    replicas.set(identity, child);
    return child;
  };

  const holder = async (): Promise<string> => {
    const lease = JSON.parse(
      await bed.kubectl(['get', 'lease', 'sluice-leader', '-n', 'default', '-o', 'json']),
    ) as {
      spec: { holderIdentity?: string };
    };
    return lease.spec.holderIdentity ?? '';
  };

  /** The addresses the Gateway's status shows: the leader's, since each replica binds its own. */
  const statusAddresses = async (): Promise<string[]> => {
    const object = JSON.parse(await bed.kubectl(['get', 'gateway', 'edge', '-o', 'json'])) as {
      status?: { addresses?: { value: string }[] };
    };
    return (object.status?.addresses ?? []).map((address) => address.value);
  };

  const routeGeneration = async (): Promise<number | undefined> => {
    const object = JSON.parse(await bed.kubectl(['get', 'httproute', 'echo', '-o', 'json'])) as {
      status?: { parents?: { controllerName: string; conditions: { observedGeneration: number }[] }[] };
    };
    const parent = object.status?.parents?.find(
      (entry) => entry.controllerName === 'sluice.dev/gateway-controller',
    );
    return parent?.conditions[0]?.observedGeneration;
  };

  const serves = async (address: string): Promise<boolean> =>
    (await get(`http://${address}:${port}/`).catch(() => undefined))?.status === 200;

  before(async () => {
    bed = await startTestbed();
    echo = await startEchoServer({ host: backendAddress, port: 0, pod: 'echo', namespace: 'default' });
    port = await freePort();
    await bed.apply(
      [
        sluiceClass,
        gateway('edge', port),
        backend('echo', echo),
        route({ name: 'echo', path: '/', service: 'echo' }),
      ].join('---\n'),
    );
  });

  after(async () => {
    for (const child of replicas.values()) await child.stop();
    await echo?.close();
    await bed?.stop();
  });

  test('both replicas serve; only the lease holder writes status', async () => {
    const a = startReplica('a', '127.0.0.1');
    await a.waitForLog('serving');
    await eventually('replica a holds the lease', async () => ((await holder()) === 'a' ? true : undefined));
    const b = startReplica('b', '127.0.0.2');
    await b.waitForLog('serving');
    await eventually('both replicas serve', async () =>
      (await serves('127.0.0.1')) && (await serves('127.0.0.2')) ? true : undefined,
    );
    await bed.apply(
      route({ name: 'echo', path: '/', service: 'echo' }).replace(
        'value: /',
        'value: /\n        - path:\n            type: PathPrefix\n            value: /also',
      ),
    );
    await eventually('status for generation 2', async () =>
      (await routeGeneration()) === 2 ? true : undefined,
    );
    assert.deepEqual(await statusAddresses(), ['127.0.0.1']);
    assert.equal(
      b.logs().some((line) => line.msg === 'leader election: leading; writing status'),
      false,
      'replica b never led',
    );
  });

  test('a leader that stops hands over; traffic through the other never stops', async () => {
    let failures = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        if (!(await serves('127.0.0.2'))) failures++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await replicas.get('a')?.stop();
    await eventually('replica b holds the lease', async () => ((await holder()) === 'b' ? true : undefined));
    await eventually('status shows the new leader', async () =>
      (await statusAddresses()).join() === '127.0.0.2' ? true : undefined,
    );
    await bed.apply(route({ name: 'echo', path: '/', service: 'echo' }));
    await eventually('status for generation 3', async () =>
      (await routeGeneration()) === 3 ? true : undefined,
    );
    polling = false;
    await poll;
    assert.equal(failures, 0, 'every request through replica b succeeded');
  });

  test('a killed leader is replaced once its lease expires', async () => {
    const a = startReplica('a', '127.0.0.1');
    await a.waitForLog('serving');
    replicas.get('b')?.child.kill('SIGKILL');
    await replicas.get('b')?.exited;
    await eventually('replica a holds the lease again', async () =>
      (await holder()) === 'a' ? true : undefined,
    );
    await eventually('status shows replica a', async () =>
      (await statusAddresses()).join() === '127.0.0.1' ? true : undefined,
    );
  });
});
