// `sluice serve` as a user runs it: a child process on a config directory, echo backends, the admin API.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EchoServer } from '../../src/sim/echo.ts';
import { startEchoServer } from '../../src/sim/echo.ts';
import { ConfigDir, eventually, freePort, gatewayManifests, get, getJson, SluiceChild } from './harness.ts';

function route(name: string, path: string, service: string, labels = ''): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${name}${labels ? `\n  labels:\n    ${labels}` : ''}
spec:
  parentRefs:
    - name: edge
  rules:
    - matches:
        - path:
            type: PathPrefix
            value: ${path}
      backendRefs:
        - name: ${service}
          port: 80
`;
}

function backend(service: string, echo: EchoServer): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${service}
spec:
  ports:
    - name: http
      port: 80
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${service}-1
  labels:
    kubernetes.io/service-name: ${service}
addressType: IPv4
endpoints:
  - addresses: [${echo.address}]
ports:
  - name: http
    port: ${echo.port}
`;
}

interface ApiObject {
  kind: string;
  metadata: { name: string; generation: number; creationTimestamp: string; labels: Record<string, string> };
  spec: Record<string, unknown>;
  status: Record<string, unknown>;
}

interface Condition {
  type: string;
  status: string;
  reason: string;
  observedGeneration: number;
  lastTransitionTime: string;
}

describe('sluice serve', () => {
  let config: ConfigDir;
  let sluice: SluiceChild;
  let admin = '';
  let gateway = '';
  const echoes: EchoServer[] = [];

  const objects = async (query: string) =>
    ((await getJson(`http://${admin}/api/v1/objects?${query}`)).items as ApiObject[]) ?? [];
  const object = async (kind: string, name: string) => {
    const [found] = await objects(`kind=${kind}&name=${name}`);
    assert.ok(found, `${kind} ${name} is known`);
    return found;
  };
  const podFor = async (path: string) => {
    const answer = await get(`${gateway}${path}`, 'anything.example');
    return answer.status === 200 ? (JSON.parse(answer.body).pod as string) : `status ${answer.status}`;
  };
  const problems = async () =>
    (await getJson(`http://${admin}/api/v1/problems`)).items as {
      file: string;
      line: number;
      object?: string;
      severity: string;
    }[];
  const configVersion = async () => (await getJson(`http://${admin}/api/v1/config`)).version as number;

  before(async () => {
    config = await ConfigDir.create();
    for (const service of ['chat', 'embed']) {
      echoes.push(
        await startEchoServer({
          host: '127.0.0.1',
          port: 0,
          pod: `${service}-0`,
          namespace: 'default',
          service,
        }),
      );
    }
    const port = await freePort();
    gateway = `http://127.0.0.1:${port}`;
    await config.write('gateway.yaml', gatewayManifests('edge', port));
    await config.write(
      'routes.yaml',
      `${route('chat', '/chat', 'chat')}---\n${route('embed', '/embed', 'embed')}`,
    );
    await config.write('backends.yaml', `${backend('chat', echoes[0])}---\n${backend('embed', echoes[1])}`);
    sluice = new SluiceChild(['serve', '--config', config.path, '--admin-address', '127.0.0.1:0']);
    admin = String((await sluice.waitForLog('admin listening')).address);
  });

  after(async () => {
    const code = await sluice?.stop();
    await Promise.all(echoes.map((echo) => echo.close()));
    await config?.remove();
    assert.equal(code, 0, 'a SIGTERM stops sluice gracefully');
  });

  test('becomes ready and reports status for the objects it owns', async () => {
    await eventually('readyz', async () =>
      (await get(`http://${admin}/readyz`)).status === 200 ? true : undefined,
    );
    assert.equal((await get(`http://${admin}/healthz`)).status, 200);

    const edge = await object('Gateway', 'edge');
    assert.equal(edge.metadata.generation, 1);
    assert.match(edge.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT/);
    const conditions = edge.status.conditions as Condition[];
    assert.deepEqual(conditions.map((c) => `${c.type}=${c.status}`).sort(), [
      'Accepted=True',
      'Programmed=True',
    ]);
    for (const condition of conditions) {
      assert.equal(condition.observedGeneration, 1);
      assert.match(condition.lastTransitionTime, /^\d{4}-\d\d-\d\dT/);
    }
    assert.deepEqual(edge.status.addresses, [{ type: 'IPAddress', value: '127.0.0.1' }]);

    const chat = await object('HTTPRoute', 'chat');
    const [parent] = chat.status.parents as { conditions: Condition[] }[];
    assert.ok(parent.conditions.some((c) => c.type === 'Accepted' && c.status === 'True'));
    assert.deepEqual((await object('Service', 'chat')).status, {});
  });

  test('routes traffic to the backends', async () => {
    assert.equal(await podFor('/chat'), 'chat-0');
    assert.equal(await podFor('/embed/x'), 'embed-0');
    assert.equal(await podFor('/elsewhere'), 'status 404');
  });

  test('an edited route re-routes; generation follows spec changes only', async () => {
    await config.write(
      'routes.yaml',
      `${route('chat', '/chat', 'embed')}---\n${route('embed', '/embed', 'embed')}`,
    );
    await eventually('/chat to move to embed', async () =>
      (await podFor('/chat')) === 'embed-0' ? true : undefined,
    );
    assert.equal((await object('HTTPRoute', 'chat')).metadata.generation, 2);
    assert.equal((await object('HTTPRoute', 'embed')).metadata.generation, 1);
    assert.equal((await object('Gateway', 'edge')).metadata.generation, 1);

    const changes = (await getJson(`http://${admin}/api/v1/changes`)).items as {
      version: number;
      changes: { type: string; key: string; source: { file: string } }[];
    }[];
    const last = changes.at(-1);
    assert.deepEqual(
      last?.changes.map((change) => `${change.type} ${change.key} ${change.source.file}`),
      [`modified HTTPRoute/default/chat ${config.file('routes.yaml')}`],
    );

    const version = await configVersion();
    await config.write(
      'routes.yaml',
      `${route('chat', '/chat', 'embed', 'team: a')}---\n${route('embed', '/embed', 'embed')}`,
    );
    await eventually('the label edit to apply', async () =>
      (await configVersion()) > version ? true : undefined,
    );
    const relabelled = await object('HTTPRoute', 'chat');
    assert.deepEqual(relabelled.metadata.labels, { team: 'a' });
    assert.equal(relabelled.metadata.generation, 2, 'a label is not spec');
  });

  test('a file that fails to parse keeps the last good config serving and is reported with file and line', async () => {
    await config.write('routes.yaml', `${route('chat', '/chat', 'chat')}    - [broken\n`);
    const [problem] = await eventually('the parse problem', async () => {
      const current = await problems();
      return current.length > 0 ? current : undefined;
    });
    assert.equal(problem.file, config.file('routes.yaml'));
    assert.equal(problem.severity, 'error');
    assert.ok(problem.line > 0);
    const warning = await eventually('the problem in the log', async () =>
      sluice.logs().find((line) => line.file === problem.file && line.line === problem.line),
    );
    assert.equal(warning.level, 'warn');

    assert.equal(await podFor('/chat'), 'embed-0', 'the last good routes serve');
    assert.equal(await podFor('/embed'), 'embed-0');
    const metrics = (await get(`http://${admin}/metrics`)).body;
    assert.match(metrics, /^sluice_config_problems [1-9]/m);
  });

  test('an invalid edit of an object keeps its previous version', async () => {
    await config.write(
      'routes.yaml',
      `${route('chat', 'no-slash', 'chat')}---\n${route('embed', '/embed', 'chat')}`,
    );
    // The valid neighbour's edit is applied: that is how we know the file was read again.
    await eventually('/embed to move to chat', async () =>
      (await podFor('/embed')) === 'chat-0' ? true : undefined,
    );
    const current = await problems();
    assert.deepEqual(
      current.map((problem) => `${problem.object} ${problem.file}`),
      [`HTTPRoute/default/chat ${config.file('routes.yaml')}`],
    );
    assert.ok(current[0].line > 1);
    assert.equal(await podFor('/chat'), 'embed-0', 'chat keeps its last good version');
    const chat = await object('HTTPRoute', 'chat');
    assert.equal(chat.metadata.generation, 2);
    assert.match(JSON.stringify(chat.spec), /"\/chat"/);
  });

  test('fixing the file clears the problems and applies it', async () => {
    await config.write(
      'routes.yaml',
      `${route('chat', '/chat', 'chat')}---\n${route('embed', '/embed', 'embed')}`,
    );
    await eventually('the problems to clear', async () =>
      (await problems()).length === 0 ? true : undefined,
    );
    assert.equal(await podFor('/chat'), 'chat-0');
    assert.equal(await podFor('/embed'), 'embed-0');
    assert.equal((await object('HTTPRoute', 'chat')).metadata.generation, 3);
    const metrics = (await get(`http://${admin}/metrics`)).body;
    assert.match(metrics, /^sluice_config_problems 0$/m);
    assert.match(metrics, new RegExp(`^sluice_config_version ${await configVersion()}$`, 'm'));
  });
});
