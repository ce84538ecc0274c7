import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SluiceError } from '../../errors.ts';
import { loadKubeConfig } from './kubeconfig.ts';

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

/** What the library puts on a request made with `file`'s credentials. */
async function requestOptions(file: string, context?: string): Promise<RequestOptions> {
  const options: RequestOptions = {};
  await loadKubeConfig(file, context).applyToHTTPSOptions(options);
  return options;
}

function isConfigError(pattern: RegExp) {
  return (error: unknown) =>
    error instanceof SluiceError && error.code === 'kube_config_invalid' && pattern.test(error.message);
}

describe('loadKubeConfig', () => {
  test('uses the current context: its server, CA and token', async () => {
    const file = await kubeconfig('a.yaml', two);
    assert.equal(loadKubeConfig(file).getCurrentCluster()?.server, 'https://127.0.0.1:6443');
    const options = await requestOptions(file);
    assert.equal(String(options.ca), 'CA PEM');
    assert.deepEqual(options.headers, { Authorization: 'Bearer abc' });
  });

  test('switches to a named context, reading a client certificate file relative to the kubeconfig', async () => {
    await writeFile(join(dir, 'cert.pem'), 'CERT PEM');
    const file = await kubeconfig('b.yaml', two);
    assert.equal(loadKubeConfig(file, 'two').getCurrentCluster()?.server, 'https://10.0.0.1:443');
    const options = await requestOptions(file, 'two');
    assert.equal(String(options.cert), 'CERT PEM');
    assert.equal(String(options.key), 'KEY PEM');
    assert.equal(options.rejectUnauthorized, false);
  });

  test('says which context is missing', async () => {
    const file = await kubeconfig('c.yaml', two);
    assert.throws(() => loadKubeConfig(file, 'three'), isConfigError(/no context named "three"/));
  });

  test('asks for --context when the file has no current context', async () => {
    const file = await kubeconfig('d.yaml', two.replace('current-context: one\n', ''));
    assert.throws(() => loadKubeConfig(file), isConfigError(/--context/));
  });

  test('reports a file it cannot read as a configuration problem', () => {
    assert.throws(() => loadKubeConfig(join(dir, 'missing.yaml')), isConfigError(/missing\.yaml/));
  });

  test('reads $KUBECONFIG when no file is named', async () => {
    const file = await kubeconfig('e.yaml', two);
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = file;
    try {
      assert.equal(loadKubeConfig(undefined, 'two').getCurrentCluster()?.server, 'https://10.0.0.1:443');
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });
});
