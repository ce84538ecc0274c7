import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SluiceError } from '../../errors.ts';
import { kubeconfigConnection } from './kubeconfig.ts';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-kubeconfig-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function kubeconfig(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

const two = `apiVersion: v1
kind: Config
current-context: one
clusters:
- name: c1
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority-data: ${Buffer.from('CA PEM').toString('base64')}
- name: c2
  cluster:
    server: https://10.0.0.1:443
    insecure-skip-tls-verify: true
users:
- name: token-user
  user:
    token: abc
- name: cert-user
  user:
    client-certificate: cert.pem
    client-key-data: ${Buffer.from('KEY PEM').toString('base64')}
contexts:
- name: one
  context: {cluster: c1, user: token-user}
- name: two
  context: {cluster: c2, user: cert-user}
`;

describe('kubeconfigConnection', () => {
  test('reads the current context: server, inline CA and token', async () => {
    const connection = kubeconfigConnection(await kubeconfig('a.yaml', two));
    assert.equal(connection.server, 'https://127.0.0.1:6443');
    assert.equal(connection.ca, 'CA PEM');
    assert.equal(connection.token?.(), 'abc');
    assert.equal(connection.insecure, false);
  });

  test('reads a named context with a client certificate file relative to the kubeconfig', async () => {
    await writeFile(join(dir, 'cert.pem'), 'CERT PEM');
    const connection = kubeconfigConnection(await kubeconfig('b.yaml', two), 'two');
    assert.equal(connection.cert, 'CERT PEM');
    assert.equal(connection.key, 'KEY PEM');
    assert.equal(connection.insecure, true);
    assert.equal(connection.token, undefined);
  });

  test('says which context is missing', async () => {
    const file = await kubeconfig('c.yaml', two);
    assert.throws(
      () => kubeconfigConnection(file, 'three'),
      (error: unknown) => error instanceof SluiceError && /no context named "three"/.test(error.message),
    );
  });

  test('refuses exec plugins with a clear message', async () => {
    const file = await kubeconfig(
      'd.yaml',
      two.replace('    token: abc', '    exec: {command: aws, apiVersion: client.authentication.k8s.io/v1}'),
    );
    assert.throws(
      () => kubeconfigConnection(file),
      (error: unknown) =>
        error instanceof SluiceError && error.code === 'kube_config_invalid' && /exec/.test(error.message),
    );
  });
});
