// Tests for the manifest files the conformance suite edits in place of an API server.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { gatewayListeners, ManifestStore, parseManifests } from './manifest-store.ts';

let root: string;
let store: ManifestStore;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-manifest-store-'));
  store = new ManifestStore(join(root, 'config'), join(root, 'staging'));
  await store.init();
});

after(() => rm(root, { recursive: true, force: true }));

const text = `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
  namespace: infra
spec:
  gatewayClassName: "{GATEWAY_CLASS_NAME}"
  listeners:
    - name: http
      port: 80
      protocol: HTTP
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: class
spec:
  controllerName: "{UNKNOWN}"
`;

test('parseManifests fills known placeholders and leaves others', () => {
  const [gateway, gatewayClass] = parseManifests(text, { GATEWAY_CLASS_NAME: 'conformance' });
  assert.deepEqual(gateway.spec, {
    gatewayClassName: 'conformance',
    listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }],
  });
  assert.deepEqual(gatewayClass.spec, { controllerName: '{UNKNOWN}' });
});

test('parseManifests rejects documents that are not objects with kind and name', () => {
  assert.throws(() => parseManifests('kind: Gateway\n', {}), /lacks/);
});

test('patch rewrites the file holding the object; delete removes it', async () => {
  await store.write('gw.yaml', parseManifests(text, {}));
  const patched = await store.patch('Gateway', { namespace: 'infra', name: 'gw' }, (gateway) => {
    gatewayListeners(gateway).push({ name: 'extra', port: 8080, protocol: 'HTTP' });
  });
  assert.equal(gatewayListeners(patched).length, 2);
  const file = await readFile(join(root, 'config', 'gw.yaml'), 'utf8');
  assert.match(file, /name: extra/);
  assert.equal(store.find('GatewayClass', { namespace: '', name: 'class' })?.kind, 'GatewayClass');

  await store.delete('Gateway', { namespace: 'infra', name: 'gw' });
  assert.equal(parse(await readFile(join(root, 'config', 'gw.yaml'), 'utf8')).kind, 'GatewayClass');
  await store.delete('GatewayClass', { namespace: '', name: 'class' });
  assert.deepEqual(await readdir(join(root, 'config')), []);
  await assert.rejects(store.delete('GatewayClass', { namespace: '', name: 'class' }), /no such object/);
});
