import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { IR } from '../ir/types.ts';
import type { KubeObject } from '../resources/object.ts';
import { ObjectStore } from '../store/store.ts';
import type { AdminServer } from './server.ts';
import { startAdminServer } from './server.ts';

const objects: KubeObject[] = [
  {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'edge', namespace: 'default' },
    spec: { gatewayClassName: 'sluice', listeners: [] },
  } as KubeObject,
  {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'chat', namespace: 'team-a', labels: { app: 'chat' } },
    spec: { parentRefs: [{ name: 'edge' }] },
  } as KubeObject,
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'tls', namespace: 'default' },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' },
  } as KubeObject,
];

const ir: IR = {
  ports: [
    {
      address: '127.0.0.1',
      port: 8443,
      protocol: 'HTTPS',
      gateway: 'default/edge',
      listeners: [
        {
          id: 'default/edge/https',
          hostname: null,
          tls: { certificates: [{ certPem: 'CERT', keyPem: 'PRIVATE' }] },
          routes: [],
        },
      ],
    },
  ],
  clusters: {},
};

describe('admin API', () => {
  let server: AdminServer;
  let ready = false;
  let base = '';
  const store = new ObjectStore();
  const problems = [{ file: 'bad.yaml', line: 3, severity: 'error', message: 'cannot parse' }];

  before(async () => {
    store.replace(objects.map((object) => ({ object, source: { file: 'all.yaml', line: 1 } })));
    server = await startAdminServer('127.0.0.1', 0, {
      isReady: () => ready,
      entries: () => store.entries(),
      status: (key) =>
        key === 'Gateway/default/edge' ? { conditions: [{ type: 'Accepted', status: 'True' }] } : undefined,
      problems: () => problems,
      changes: store.changes,
      applied: () => (ready ? { version: store.snapshot.version, ir } : undefined),
    });
    base = `http://127.0.0.1:${server.port}`;
  });
  after(() => server.close());

  const get = async (path: string) => {
    const response = await fetch(base + path);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: await response.text(),
    };
  };

  test('healthz answers ok; readyz only once config is applied', async () => {
    assert.deepEqual(await get('/healthz'), { status: 200, type: 'text/plain; charset=utf-8', body: 'ok\n' });
    assert.equal((await get('/readyz')).status, 503);
    ready = true;
    assert.equal((await get('/readyz')).status, 200);
  });

  test('objects: every object with metadata, spec and status', async () => {
    const { items } = JSON.parse((await get('/api/v1/objects')).body);
    assert.deepEqual(
      items.map((item: KubeObject) => `${item.kind}/${item.metadata.namespace}/${item.metadata.name}`),
      ['Gateway/default/edge', 'HTTPRoute/team-a/chat', 'Secret/default/tls'],
    );
    const [gateway, route] = items;
    assert.equal(gateway.apiVersion, 'gateway.networking.k8s.io/v1');
    assert.equal(gateway.metadata.generation, 1);
    assert.match(gateway.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(gateway.spec, { gatewayClassName: 'sluice', listeners: [] });
    assert.deepEqual(gateway.status, { conditions: [{ type: 'Accepted', status: 'True' }] });
    assert.deepEqual(route.metadata.labels, { app: 'chat' });
    assert.deepEqual(route.status, {});
  });

  test('objects: Secret data is never shown', async () => {
    const body = (await get('/api/v1/objects?kind=Secret')).body;
    assert.doesNotMatch(body, /a2V5|Y2VydA==/);
    assert.deepEqual(JSON.parse(body).items[0].data, { 'tls.crt': '<redacted>', 'tls.key': '<redacted>' });
  });

  test('objects: kind, namespace and name filter', async () => {
    const names = async (query: string) =>
      JSON.parse((await get(`/api/v1/objects?${query}`)).body).items.map(
        (item: KubeObject) => item.metadata.name,
      );
    assert.deepEqual(await names('kind=httproute'), ['chat']);
    assert.deepEqual(await names('namespace=default'), ['edge', 'tls']);
    assert.deepEqual(await names('namespace=default&name=tls'), ['tls']);
    assert.deepEqual(await names('name=none'), []);
  });

  test('config: the applied IR with private keys redacted', async () => {
    const body = (await get('/api/v1/config')).body;
    assert.doesNotMatch(body, /PRIVATE/);
    const config = JSON.parse(body);
    assert.equal(config.version, 1);
    assert.deepEqual(config.ir.ports[0].listeners[0].tls.certificates, [
      { certPem: 'CERT', keyPem: '<redacted>' },
    ]);
  });

  test('problems and changes', async () => {
    assert.deepEqual(JSON.parse((await get('/api/v1/problems')).body), { items: problems });
    const changes = JSON.parse((await get('/api/v1/changes')).body).items;
    assert.equal(changes[0].version, 1);
    assert.equal(changes[0].changes.length, 3);
    assert.deepEqual(JSON.parse((await get('/api/v1/changes?since=1')).body), { items: [] });
    assert.equal((await get('/api/v1/changes?since=x')).status, 400);
  });

  test('metrics include the configuration gauges', async () => {
    const { status, body } = await get('/metrics');
    assert.equal(status, 200);
    assert.match(body, /^sluice_config_version 1$/m);
    assert.match(body, /^sluice_config_problems 1$/m);
  });

  test('unknown paths and other methods answer registry errors', async () => {
    const missing = await get('/nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(JSON.parse(missing.body).error.code, 'admin_not_found');
    const post = await fetch(`${base}/healthz`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(JSON.parse(await post.text()).error.code, 'admin_method_not_allowed');
  });
});
