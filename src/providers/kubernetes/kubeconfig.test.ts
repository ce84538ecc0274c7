import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SluiceError } from '../../errors.ts';
import { loadKubeConfig } from './kubeconfig.ts';
import { TOKEN_FILE_REREAD_MS } from './token-file.ts';

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

  describe("a user's tokenFile, as kubectl reads it", () => {
    /** A kubeconfig whose one user is `user` (a YAML flow mapping). */
    const withUser = (user: string) => `apiVersion: v1
kind: Config
current-context: one
clusters:
- name: c1
  cluster:
    server: https://127.0.0.1:6443
    insecure-skip-tls-verify: true
users:
- name: file-user
  user: ${user}
contexts:
- name: one
  context: {cluster: c1, user: file-user}
`;

    before(async () => {
      await mkdir(join(dir, 'tokens'));
      await writeFile(join(dir, 'tokens', 'sa'), 'from-file\n');
      await writeFile(join(dir, 'tokens', 'empty'), '\n');
    });

    test('reads the token from the file, relative to the kubeconfig, without its trailing newline', async () => {
      const file = await kubeconfig('f.yaml', withUser('{tokenFile: tokens/sa}'));
      assert.deepEqual((await requestOptions(file)).headers, { Authorization: 'Bearer from-file' });
    });

    test('a token next to the tokenFile takes precedence, as the kubeconfig reference says', async () => {
      const file = await kubeconfig('g.yaml', withUser('{token: inline, tokenFile: tokens/sa}'));
      assert.deepEqual((await requestOptions(file)).headers, { Authorization: 'Bearer inline' });
    });

    test('a missing or empty token file stops the load with a configuration error', async () => {
      const missing = await kubeconfig('h.yaml', withUser('{tokenFile: tokens/none}'));
      assert.throws(() => loadKubeConfig(missing), isConfigError(/tokens\/none/));
      const empty = await kubeconfig('i.yaml', withUser('{tokenFile: tokens/empty}'));
      assert.throws(() => loadKubeConfig(empty), isConfigError(/empty/));
    });

    test('re-reads a rotated token once the last read is old, and keeps the last token if the file goes', async (t) => {
      t.mock.timers.enable({ apis: ['Date'], now: 0 });
      const tokenFile = join(dir, 'tokens', 'rotating');
      await writeFile(tokenFile, 'first');
      const config = loadKubeConfig(await kubeconfig('j.yaml', withUser(`{tokenFile: ${tokenFile}}`)));
      const authorization = async () => {
        const options: RequestOptions = {};
        await config.applyToHTTPSOptions(options);
        return (options.headers as Record<string, string>).Authorization;
      };
      assert.equal(await authorization(), 'Bearer first');
      await writeFile(tokenFile, 'second');
      t.mock.timers.tick(TOKEN_FILE_REREAD_MS - 1);
      assert.equal(await authorization(), 'Bearer first', 'read at most once a period');
      t.mock.timers.tick(1);
      assert.equal(await authorization(), 'Bearer second');
      await rm(tokenFile);
      t.mock.timers.tick(TOKEN_FILE_REREAD_MS);
      assert.equal(await authorization(), 'Bearer second');
    });
  });
});
