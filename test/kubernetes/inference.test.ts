// InferencePools in a real cluster: Pods created through the API server (their status patched, as a kubelet
// would, to addresses where simulated model servers listen) are read by the pool's selector only, inference
// requests through `sluice serve --kubernetes` reach them, and the pool's status names the Gateway and keeps
// other controllers' entries.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { ScaledClock } from '../../src/sim/clock.ts';
import { replicaDefaults } from '../../src/sim/options.ts';
import { type Replica, startReplica } from '../../src/sim/replica.ts';
import { eventually, freePort, getJson, SluiceChild } from '../e2e/harness.ts';
import {
  gateway,
  inferencePool,
  installRbac,
  otherControllerParent,
  pod,
  poolRoute,
  sluiceClass,
} from './manifests.ts';
import { describeKubernetes } from './suite.ts';
import { startTestbed, type Testbed } from './testbed.ts';

interface Condition {
  type: string;
  status: string;
  reason: string;
}

interface PoolParent {
  parentRef: { kind?: string; name: string; namespace?: string };
  controllerName?: string;
  conditions: Condition[];
}

const controllerName = 'sluice.dev/gateway-controller';

/** Where each Pod's model server listens: its own loopback address, one port for all, as Pods have. */
const podAddresses: Record<string, string> = { 'llama-0': '127.0.0.11', 'llama-1': '127.0.0.12' };

await describeKubernetes(import.meta.filename, 'InferencePools through the API server', () => {
  let bed: Testbed;
  let sluice: SluiceChild;
  let admin: string;
  let port: number;
  let modelPort: number;
  const replicas: Replica[] = [];

  /** What a kubelet reports for a running Pod. */
  const setPodStatus = (name: string, ip: string, ready: boolean) =>
    bed.kubectl([
      'patch',
      'pod',
      name,
      '--subresource=status',
      '--type=merge',
      `-p=${JSON.stringify({
        status: {
          phase: 'Running',
          podIP: ip,
          podIPs: [{ ip }],
          conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
        },
      })}`,
    ]);

  /** The Pod whose model server answered one completion through the gateway. */
  const completion = async (): Promise<string> => {
    const response = await request(`http://127.0.0.1:${port}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama', prompt: 'Say hello', max_tokens: 4 }),
    });
    const body = await response.body.text();
    assert.equal(response.statusCode, 200, body);
    return String(response.headers['x-inference-pod']);
  };

  /** Which Pods answered `count` completions. */
  const answering = async (count: number): Promise<string[]> => {
    const pods = new Set<string>();
    for (let i = 0; i < count; i++) pods.add(await completion());
    return [...pods].sort();
  };

  const poolParents = async (): Promise<PoolParent[]> => {
    const pool = JSON.parse(await bed.kubectl(['get', 'inferencepool', 'llama', '-o', 'json'])) as {
      status?: { parents?: PoolParent[] };
    };
    return pool.status?.parents ?? [];
  };

  const sluiceParent = async () =>
    (await poolParents()).find((parent) => parent.controllerName === controllerName);

  /** Names of the objects of `kind` that Sluice has read. */
  const known = async (kind: string): Promise<string[]> => {
    const { items } = (await getJson(`http://${admin}/api/v1/objects?kind=${kind}`)) as {
      items: { metadata: { name: string } }[];
    };
    return items.map((item) => item.metadata.name).sort();
  };

  before(async () => {
    bed = await startTestbed();
    port = await freePort();
    modelPort = await freePort();
    for (const [name, host] of Object.entries(podAddresses)) {
      const options = { ...replicaDefaults, host, port: modelPort, model: 'llama', pod: name };
      replicas.push(await startReplica(options, new ScaledClock(100)));
    }
    // Sluice runs as a user with exactly the permissions the install grants.
    await bed.apply(await installRbac());
    await bed.apply(
      [
        sluiceClass,
        gateway('edge', port),
        poolRoute('models', 'llama'),
        inferencePool({ name: 'llama', labels: { app: 'llama' }, port: modelPort }),
        pod('llama-0', { app: 'llama' }),
        pod('llama-1', { app: 'llama' }),
        pod('other-0', { app: 'other' }),
      ].join('---\n'),
    );
    await setPodStatus('llama-0', podAddresses['llama-0'], true);
    await setPodStatus('llama-1', podAddresses['llama-1'], true);
    await setPodStatus('other-0', '127.0.0.13', true);
    sluice = new SluiceChild([
      'serve',
      '--kubernetes',
      '--kubeconfig',
      bed.sluiceKubeconfig,
      '--admin-address',
      '127.0.0.1:0',
      '--lease-duration',
      '3',
    ]);
    admin = String((await sluice.waitForLog('serving', { mode: 'kubernetes' })).admin);
  });

  after(async () => {
    await sluice?.stop();
    for (const replica of replicas) await replica.close();
    await bed?.stop();
  });

  test('routes inference requests to the ready Pods the pool selects', async () => {
    await eventually('both Pods answer', async () =>
      (await answering(8).catch(() => [])).join() === 'llama-0,llama-1' ? true : undefined,
    );
  });

  test('reads only the Pods the pool selects', async () => {
    assert.deepEqual(await known('Pod'), ['llama-0', 'llama-1']);
  });

  test('writes the pool status that kubectl waits for: Accepted and ResolvedRefs for its Gateway', async () => {
    await bed.kubectl([
      'wait',
      '--for=jsonpath={.status.parents[0].conditions[?(@.type=="Accepted")].status}=True',
      '--timeout=60s',
      'inferencepool/llama',
    ]);
    const parent = await sluiceParent();
    assert.ok(parent, 'Sluice wrote a parent entry');
    assert.deepEqual(
      { kind: parent.parentRef.kind, name: parent.parentRef.name, namespace: parent.parentRef.namespace },
      { kind: 'Gateway', name: 'edge', namespace: 'default' },
    );
    assert.deepEqual(
      parent.conditions.map((condition) => [condition.type, condition.status]),
      [
        ['Accepted', 'True'],
        ['ResolvedRefs', 'True'],
      ],
    );
  });

  test('a Pod that stops being ready gets no more requests', async () => {
    await setPodStatus('llama-0', podAddresses['llama-0'], false);
    await eventually('only llama-1 answers', async () =>
      (await answering(6).catch(() => [])).join() === 'llama-1' ? true : undefined,
    );
    await setPodStatus('llama-0', podAddresses['llama-0'], true);
  });

  test('a new selector moves the watch: Pods it no longer selects are forgotten', async () => {
    await bed.kubectl(['label', 'pod', 'llama-0', 'track=canary']);
    await bed.apply(
      inferencePool({ name: 'llama', labels: { app: 'llama', track: 'canary' }, port: modelPort }),
    );
    await eventually('only llama-0 is read', async () =>
      (await known('Pod')).join() === 'llama-0' ? true : undefined,
    );
    await eventually('only llama-0 answers', async () =>
      (await answering(6).catch(() => [])).join() === 'llama-0' ? true : undefined,
    );
  });

  test("reads the picker ConfigMap the pool names, and only it, and keeps other controllers' entries", async () => {
    // Another controller's entry on the same pool, written the way that controller would.
    await bed.kubectl(otherControllerParent('inferencepool/llama', 2));
    await bed.apply(
      inferencePool({
        name: 'llama',
        labels: { app: 'llama', track: 'canary' },
        port: modelPort,
        pickerConfig: 'llama-picker',
      }),
    );
    await eventually('ResolvedRefs False: the ConfigMap does not exist', async () =>
      (await sluiceParent())?.conditions.some(
        (condition) => condition.type === 'ResolvedRefs' && condition.reason === 'InvalidExtensionRef',
      )
        ? true
        : undefined,
    );
    await bed.apply(`apiVersion: v1
kind: ConfigMap
metadata:
  name: llama-picker
  namespace: default
data:
  config.yaml: |
    apiVersion: inference.networking.x-k8s.io/v1alpha1
    kind: EndpointPickerConfig
    plugins:
      - type: queue-scorer
    schedulingProfiles:
      - name: default
        plugins:
          - pluginRef: queue-scorer
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: unrelated
  namespace: default
data:
  anything: at all
`);
    await eventually('ResolvedRefs True once the ConfigMap exists', async () =>
      (await sluiceParent())?.conditions.find((condition) => condition.type === 'ResolvedRefs')?.status ===
      'True'
        ? true
        : undefined,
    );
    assert.deepEqual(await known('ConfigMap'), ['llama-picker']);
    assert.deepEqual((await poolParents()).map((parent) => parent.controllerName).sort(), [
      'example.com/other-controller',
      controllerName,
    ]);
    assert.equal(await completion(), 'llama-0');
  });

  test("a pool no route uses loses Sluice's parent entry, and only that", async () => {
    await bed.kubectl(['delete', 'httproute', 'models']);
    await eventually("Sluice's entry is gone", async () =>
      (await sluiceParent()) === undefined ? true : undefined,
    );
    assert.deepEqual(
      (await poolParents()).map((parent) => parent.controllerName),
      ['example.com/other-controller'],
    );
  });
});
