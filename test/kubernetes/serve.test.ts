// `sluice serve --kubernetes` against a real kube-apiserver and etcd: traffic from what the API server
// holds, status written back (and read back with kubectl), Gateway addresses from the Service in front of
// Sluice, edits followed, traffic kept while the API server is down, and a stop while startup waits on a
// forbidding API server.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { EchoServer } from '../../src/sim/echo.ts';
import { startEchoServer } from '../../src/sim/echo.ts';
import { eventually, freePort, get, getJson, SluiceChild } from '../e2e/harness.ts';
import {
  backend,
  gateway,
  installRbac,
  namespace,
  otherControllerParent,
  referenceGrant,
  route,
  sluiceClass,
} from './manifests.ts';
import { backendAddress } from './netns.ts';
import { describeKubernetes } from './suite.ts';
import { startTestbed, type Testbed } from './testbed.ts';

interface Condition {
  type: string;
  status: string;
  reason: string;
  observedGeneration?: number;
}

interface RouteParent {
  parentRef: { name: string };
  controllerName: string;
  conditions: Condition[];
}

await describeKubernetes(import.meta.filename, 'sluice serve --kubernetes', () => {
  let bed: Testbed;
  let echoA: EchoServer;
  let echoB: EchoServer;
  let sluice: SluiceChild;
  let port: number;

  const kubectlJson = async (args: string[]): Promise<Record<string, unknown>> =>
    JSON.parse(await bed.kubectl([...args, '-o', 'json'])) as Record<string, unknown>;

  const routeParents = async (name: string, ns = 'default'): Promise<RouteParent[]> => {
    const object = await kubectlJson(['get', 'httproute', name, '-n', ns]);
    const status = (object.status ?? {}) as { parents?: RouteParent[] };
    return status.parents ?? [];
  };

  const sluiceParent = async (name: string, ns = 'default') =>
    (await routeParents(name, ns)).find(
      (parent) => parent.controllerName === 'sluice.dev/gateway-controller',
    );

  /** Which echo answered GET `path` through the gateway, or the status code when none did. */
  const served = async (path: string): Promise<string> => {
    const answer = await get(`http://127.0.0.1:${port}${path}`);
    return answer.status === 200 ? (JSON.parse(answer.body) as { pod: string }).pod : String(answer.status);
  };

  const eventuallyServed = (path: string, expected: string) =>
    eventually(`GET ${path} answered by ${expected}`, async () =>
      (await served(path).catch(() => 'unreachable')) === expected ? true : undefined,
    );

  before(async () => {
    bed = await startTestbed();
    echoA = await startEchoServer({ host: backendAddress, port: 0, pod: 'echo-a', namespace: 'default' });
    echoB = await startEchoServer({ host: backendAddress, port: 0, pod: 'echo-b', namespace: 'default' });
    port = await freePort();
    // Sluice runs as a user with exactly the permissions the install grants.
    await bed.apply(await installRbac());
    await bed.apply(
      [
        sluiceClass,
        gateway('edge', port),
        backend('echo-a', echoA),
        backend('echo-b', echoB),
        route({ name: 'echo', path: '/', service: 'echo-a' }),
      ].join('---\n'),
    );
    sluice = new SluiceChild([
      'serve',
      '--kubernetes',
      '--kubeconfig',
      bed.sluiceKubeconfig,
      '--admin-address',
      '127.0.0.1:0',
      '--lease-duration',
      '3',
      '--gateway-service',
      'default/sluice',
    ]);
  });

  after(async () => {
    await sluice?.stop();
    await echoA?.close();
    await echoB?.close();
    await bed?.stop();
  });

  test('serves the routes the API server holds', async () => {
    await sluice.waitForLog('serving', { mode: 'kubernetes' });
    await eventuallyServed('/', 'echo-a');
  });

  test('writes Gateway and route status that kubectl wait sees', async () => {
    await bed.kubectl(['wait', '--for=condition=Accepted', '--timeout=60s', 'gateway/edge']);
    await bed.kubectl(['wait', '--for=condition=Programmed', '--timeout=60s', 'gateway/edge']);
    await bed.kubectl(['wait', '--for=condition=Accepted', '--timeout=60s', 'gatewayclass/sluice']);
    await bed.kubectl([
      'wait',
      '--for=jsonpath={.status.parents[0].conditions[?(@.type=="Accepted")].status}=True',
      '--timeout=60s',
      'httproute/echo',
    ]);
    const parent = await sluiceParent('echo');
    assert.ok(parent, 'Sluice wrote a route parent entry');
    assert.deepEqual(
      parent.conditions.map((condition) => [condition.type, condition.status, condition.observedGeneration]),
      [
        ['Accepted', 'True', 1],
        ['ResolvedRefs', 'True', 1],
      ],
    );
  });

  test("leaves other controllers' Gateways and route parent entries alone", async () => {
    await bed.apply(
      `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: someone-else
spec:
  controllerName: example.com/other-controller
---
${gateway('theirs', port + 1, 'someone-else')}`,
    );
    // Another controller's entry on the same route, written the way that controller would.
    await bed.kubectl(otherControllerParent('httproute/echo', 1));
    // An edit makes Sluice write the route's status again; the other entry must survive it.
    await bed.apply(route({ name: 'echo', path: '/', service: 'echo-b' }));
    await eventuallyServed('/', 'echo-b');
    await eventually('route status for generation 2', async () =>
      (await sluiceParent('echo'))?.conditions.every((condition) => condition.observedGeneration === 2)
        ? true
        : undefined,
    );
    const controllers = (await routeParents('echo')).map((parent) => parent.controllerName).sort();
    assert.deepEqual(controllers, ['example.com/other-controller', 'sluice.dev/gateway-controller']);
    const other = await kubectlJson(['get', 'gateway', 'theirs']);
    const conditions = ((other.status ?? {}) as { conditions?: Condition[] }).conditions ?? [];
    assert.ok(
      conditions.every((condition) => condition.reason === 'Pending'),
      `the other controller's Gateway keeps its defaulted status: ${JSON.stringify(conditions)}`,
    );
  });

  test('follows route edits: traffic and observedGeneration', async () => {
    await bed.apply(route({ name: 'echo', path: '/v3', service: 'echo-a' }));
    await eventuallyServed('/v3', 'echo-a');
    await eventuallyServed('/', '404');
    await eventually('route status for generation 3', async () =>
      (await sluiceParent('echo'))?.conditions.every((condition) => condition.observedGeneration === 3)
        ? true
        : undefined,
    );
  });

  test('a ReferenceGrant admits a cross-namespace backend, and deleting it revokes access', async () => {
    await bed.apply(
      [
        namespace('apps'),
        referenceGrant('apps-to-default', 'apps'),
        route({
          name: 'cross',
          namespace: 'apps',
          path: '/cross',
          service: 'echo-a',
          serviceNamespace: 'default',
        }),
      ].join('---\n'),
    );
    await eventuallyServed('/cross', 'echo-a');
    await bed.kubectl(['delete', 'referencegrant', 'apps-to-default', '-n', 'default']);
    await eventuallyServed('/cross', '500');
    await eventually('ResolvedRefs False with RefNotPermitted', async () => {
      const resolved = (await sluiceParent('cross', 'apps'))?.conditions.find(
        (condition) => condition.type === 'ResolvedRefs',
      );
      return resolved?.status === 'False' && resolved.reason === 'RefNotPermitted' ? true : undefined;
    });
  });

  test('Gateways report the addresses of the Service in front of Sluice', async () => {
    const addresses = async () => {
      const edge = await kubectlJson(['get', 'gateway', 'edge']);
      return JSON.stringify((edge.status as { addresses?: unknown[] }).addresses);
    };
    const eventuallyAddresses = (what: string, expected: unknown[]) =>
      eventually(what, async () => ((await addresses()) === JSON.stringify(expected) ? true : undefined));
    await eventuallyAddresses('the bound address while the Service does not exist', [
      { type: 'IPAddress', value: '127.0.0.1' },
    ]);
    await bed.apply(`apiVersion: v1
kind: Service
metadata:
  name: sluice
  namespace: default
spec:
  type: LoadBalancer
  ports:
    - name: http
      port: 80
      targetPort: 8080
`);
    const service = await kubectlJson(['get', 'service', 'sluice']);
    const clusterIP = (service.spec as { clusterIP: string }).clusterIP;
    await eventuallyAddresses('the cluster IP while the load balancer has no address', [
      { type: 'IPAddress', value: clusterIP },
    ]);
    const ingress = [{ ip: '203.0.113.10' }, { hostname: 'gateway.example.com' }];
    await bed.kubectl([
      'patch',
      'service',
      'sluice',
      '--subresource=status',
      '--type=merge',
      `-p=${JSON.stringify({ status: { loadBalancer: { ingress } } })}`,
    ]);
    await eventuallyAddresses("the load balancer's addresses", [
      { type: 'IPAddress', value: '203.0.113.10' },
      { type: 'Hostname', value: 'gateway.example.com' },
    ]);
    await bed.kubectl(['delete', 'service', 'sluice']);
    await eventuallyAddresses('the bound address once the Service is gone', [
      { type: 'IPAddress', value: '127.0.0.1' },
    ]);
  });

  test('writes nothing when nothing changed', async () => {
    const versionOf = async (kind: string, name: string) =>
      ((await kubectlJson(['get', kind, name])).metadata as { resourceVersion: string }).resourceVersion;
    const before = [await versionOf('gateway', 'edge'), await versionOf('httproute', 'echo')];
    // A change Sluice reads but that changes no status: a label on a Service.
    await bed.kubectl(['label', 'service', 'echo-b', 'touched=yes']);
    const admin = (await sluice.waitForLog('serving')).admin;
    await eventually('the label in the admin API', async () => {
      const { items } = (await getJson(`http://${admin}/api/v1/objects?kind=Service&name=echo-b`)) as {
        items: { metadata: { labels?: Record<string, string> } }[];
      };
      return items[0]?.metadata.labels?.touched === 'yes' ? true : undefined;
    });
    assert.deepEqual([await versionOf('gateway', 'edge'), await versionOf('httproute', 'echo')], before);
  });

  test('keeps serving while the API server is down, and catches up when it is back', async () => {
    await bed.stopApiServer();
    for (let i = 0; i < 5; i++) assert.equal(await served('/v3'), 'echo-a');
    await bed.startApiServer();
    await bed.apply(route({ name: 'echo', path: '/v4', service: 'echo-b' }));
    await eventuallyServed('/v4', 'echo-b');
  });

  test('a stop request while RBAC forbids the lists ends the startup as a graceful stop', async () => {
    // A ServiceAccount nothing is granted to, whose token kubectl's `tokenFile` names (relative to the
    // kubeconfig, with the newline kubectl prints): the refusal names it, so the file was read and used.
    await bed.kubectl(['create', 'serviceaccount', 'nobody']);
    const dir = await mkdtemp(join(tmpdir(), 'sluice-nobody-'));
    try {
      await writeFile(join(dir, 'token'), await bed.kubectl(['create', 'token', 'nobody']));
      await writeFile(join(dir, 'kubeconfig'), bed.kubeconfigFor({ tokenFile: 'token' }));
      const starting = new SluiceChild([
        'serve',
        '--kubernetes',
        '--kubeconfig',
        join(dir, 'kubeconfig'),
        '--admin-address',
        '127.0.0.1:0',
      ]);
      const refused = await starting.waitForLog(
        'cannot list or watch the Kubernetes API; the last configuration keeps serving',
      );
      assert.match(String(refused.error), /User "system:serviceaccount:default:nobody" cannot list/);
      assert.equal(await starting.stop(), 0, 'one SIGTERM stops it, with the exit code of a graceful stop');
      const messages = starting.logs().map((line) => line.msg);
      assert.ok(messages.includes('stopped'), messages.join('\n'));
      assert.ok(!messages.includes('serving'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
