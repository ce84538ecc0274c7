// A real control plane for tests: etcd and kube-apiserver (built by .ci/kube-testbed.sh) on 127.0.0.1
// with certificates made here, RBAC, a static admin token, and the upstream Gateway API and Inference
// Extension CRDs installed. Every process it starts is stopped by pid.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';
import { freePort } from '../e2e/harness.ts';
import { canMakeNetworkNamespace } from './netns.ts';

const run = promisify(execFile);
const repoRoot = join(import.meta.dirname, '..', '..');

/** How long the control plane may take to come up on a busy two-core machine. */
const READY_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 5_000;

export interface Testbed {
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** Bearer token of a cluster admin (group system:masters). */
  token: string;
  /** PEM of the CA that signed the API server's certificate. */
  ca: string;
  /** A kubeconfig file for the admin. */
  kubeconfig: string;
  /** A kubeconfig file for the user `sluice`, who may do nothing until RBAC grants it. */
  sluiceKubeconfig: string;
  /** The text of a kubeconfig for the test bed whose user is `user` (`{ token }`, `{ tokenFile }`, …). */
  kubeconfigFor(user: Record<string, string>): string;
  /** Runs the built kubectl against the test bed; rejects on a non-zero exit. */
  kubectl(args: string[], input?: string): Promise<string>;
  /** Applies manifests given as YAML text. */
  apply(yaml: string): Promise<string>;
  /** Stops kube-apiserver only (etcd keeps the data), to test life without the API server. */
  stopApiServer(): Promise<void>;
  /** Starts kube-apiserver again on the same port and waits until it is ready. */
  startApiServer(): Promise<void>;
  stop(): Promise<void>;
}

/** The cache directories the build script fills: binaries (in `bin/`) and CRDs (their versions pin the names). */
export async function testbedDirs(): Promise<{ binaries: string; crds: string }> {
  const { stdout } = await run('bash', [join(repoRoot, '.ci', 'kube-testbed.sh'), '--print-dir']);
  const [binaries, crds] = stdout.trim().split('\n');
  return { binaries, crds };
}

/**
 * Why the Kubernetes tests cannot run here, or undefined when they can. Missing binaries (or no way to
 * make a network namespace) skip the tests only outside CI; in CI they must be there.
 */
export async function testbedUnavailable(): Promise<string | undefined> {
  const { binaries, crds } = await testbedDirs();
  let message: string | undefined;
  const missing = [binaries, crds].filter((dir) => !existsSync(join(dir, 'ready')));
  if (missing.length > 0) {
    message = `the Kubernetes test bed is not built (${missing.join(', ')}); run: bash .ci/kube-testbed.sh`;
  } else if (!(await canMakeNetworkNamespace())) {
    message = 'the Kubernetes tests need a network namespace of their own (unshare --net), which needs root';
  }
  if (message !== undefined && process.env.CI) throw new Error(`${message} — CI must provide it`);
  return message;
}

async function openssl(cwd: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd });
}

/** A CA, a serving certificate for 127.0.0.1 and a service-account key pair. */
async function makeCertificates(dir: string): Promise<void> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(dir, [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=sluice-testbed-ca',
  ]);
  await openssl(dir, [
    'req',
    '-x509',
    ...ec,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-keyout',
    'apiserver.key',
    '-out',
    'apiserver.crt',
    '-days',
    '2',
    '-subj',
    '/CN=kube-apiserver',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc',
    '-addext',
    'extendedKeyUsage=serverAuth',
  ]);
  await openssl(dir, [
    'genpkey',
    '-algorithm',
    'EC',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-out',
    'sa.key',
  ]);
  await openssl(dir, ['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
}

interface Managed {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<void>;
}

async function startProcess(name: string, binary: string, args: string[], logFile: string): Promise<Managed> {
  const out = openSync(logFile, 'a');
  const child = spawn(binary, args, { stdio: ['ignore', out, out] });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { name, child, logFile, exited };
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
async function stopProcess(managed: Managed | undefined): Promise<void> {
  if (!managed || managed.child.exitCode !== null || managed.child.signalCode !== null) return;
  managed.child.kill('SIGTERM');
  const killed = sleep(STOP_GRACE_MS).then(() => managed.child.kill('SIGKILL'));
  await Promise.race([managed.exited, killed]);
  await managed.exited;
}

async function logTail(managed: Managed): Promise<string> {
  const text = await readFile(managed.logFile, 'utf8').catch(() => '');
  return text.split('\n').slice(-25).join('\n');
}

/** Polls until `check` resolves true, the process dies, or the deadline passes. */
async function waitFor(what: string, managed: Managed, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (managed.child.exitCode !== null) {
      throw new Error(`${managed.name} exited before ${what}:\n${await logTail(managed)}`);
    }
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`${managed.name}: no ${what} within ${READY_TIMEOUT_MS} ms:\n${await logTail(managed)}`);
}

/** A kubeconfig for the test bed whose user is `user` (`{ token }`, `{ tokenFile }`, …). */
function kubeconfigFor(url: string, ca: string, user: Record<string, string>): string {
  const caData = Buffer.from(ca).toString('base64');
  return `apiVersion: v1
kind: Config
clusters:
- name: testbed
  cluster:
    server: ${url}
    certificate-authority-data: ${caData}
users:
- name: user
  user: ${JSON.stringify(user)}
contexts:
- name: testbed
  context:
    cluster: testbed
    user: user
current-context: testbed
`;
}

export interface TestbedOptions {
  /**
   * Which Gateway API channel's CRDs to install: `standard` (what most clusters run, plus the
   * experimental channel's kinds the standard one lacks) or `experimental` (every CRD and field).
   */
  gatewayApiChannel?: 'standard' | 'experimental';
}

/** The CRD files to install: the chosen Gateway API channel and the Inference Extension's. */
async function crdFiles(dir: string, channel: 'standard' | 'experimental'): Promise<string[]> {
  const list = async (sub: string) =>
    (await readdir(join(dir, sub)))
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .map((name) => join(dir, sub, name));
  const experimental = await list('gateway-api-experimental');
  const standard = await list('gateway-api-standard');
  const standardNames = new Set(standard.map((file) => basename(file)));
  const gatewayApi =
    channel === 'experimental'
      ? experimental
      : [...standard, ...experimental.filter((file) => !standardNames.has(basename(file)))];
  return [...gatewayApi, ...(await list('inference-extension'))];
}

/** Starts etcd and kube-apiserver, waits for /readyz, installs the CRDs. */
export async function startTestbed(options: TestbedOptions = {}): Promise<Testbed> {
  const dirs = await testbedDirs();
  const binaries = join(dirs.binaries, 'bin');
  const work = await mkdtemp(join(tmpdir(), 'sluice-testbed-'));
  await makeCertificates(work);
  const token = `admin-${Math.random().toString(36).slice(2)}`;
  const sluiceToken = `sluice-${Math.random().toString(36).slice(2)}`;
  await writeFile(
    join(work, 'tokens.csv'),
    `${token},admin,admin,"system:masters"\n${sluiceToken},sluice,sluice\n`,
  );
  const ca = await readFile(join(work, 'ca.crt'), 'utf8');
  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const url = `https://127.0.0.1:${apiPort}`;
  const kubeconfig = join(work, 'kubeconfig');
  await writeFile(kubeconfig, kubeconfigFor(url, ca, { token }));
  const sluiceKubeconfig = join(work, 'sluice.kubeconfig');
  await writeFile(sluiceKubeconfig, kubeconfigFor(url, ca, { token: sluiceToken }));
  await mkdir(join(work, 'etcd'));

  const agent = new Agent({ connect: { ca } });
  let etcd: Managed | undefined;
  let apiServer: Managed | undefined;

  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const apiServerArgs = [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${apiPort}`,
    `--tls-cert-file=${join(work, 'apiserver.crt')}`,
    `--tls-private-key-file=${join(work, 'apiserver.key')}`,
    `--client-ca-file=${join(work, 'ca.crt')}`,
    `--token-auth-file=${join(work, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${join(work, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(work, 'sa.key')}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    // No controller manager runs here, so nothing would create the default ServiceAccount Pods need.
    '--disable-admission-plugins=ServiceAccount',
    '--endpoint-reconciler-type=none',
    '--enable-priority-and-fairness=false',
    '--profiling=false',
    `--cert-dir=${work}`,
  ];

  const readyz = async (): Promise<boolean> => {
    const response = await request(`${url}/readyz`, {
      dispatcher: agent,
      headers: { authorization: `Bearer ${token}` },
      headersTimeout: 5_000,
      bodyTimeout: 5_000,
    });
    await response.body.dump();
    return response.statusCode === 200;
  };

  const startApiServer = async (): Promise<void> => {
    apiServer = await startProcess(
      'kube-apiserver',
      join(binaries, 'kube-apiserver'),
      apiServerArgs,
      join(work, 'kube-apiserver.log'),
    );
    await waitFor('/readyz answering 200', apiServer, readyz);
  };

  const kubectl = async (args: string[], input?: string): Promise<string> => {
    return new Promise((resolve, reject) => {
      const child = execFile(
        join(binaries, 'kubectl'),
        ['--kubeconfig', kubeconfig, ...args],
        { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`kubectl ${args.join(' ')}: ${stderr || error.message}`));
          else resolve(stdout);
        },
      );
      child.stdin?.end(input ?? '');
    });
  };

  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    await stopProcess(apiServer);
    await stopProcess(etcd);
    await agent.close();
    await rm(work, { recursive: true, force: true });
  };
  // A test run that dies without calling stop() must not leave the control plane running.
  const killOnExit = () => {
    apiServer?.child.kill('SIGKILL');
    etcd?.child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  try {
    etcd = await startProcess(
      'etcd',
      join(binaries, 'etcd'),
      [
        '--name=testbed',
        `--data-dir=${join(work, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=testbed=${peerUrl}`,
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      join(work, 'etcd.log'),
    );
    const etcdProcess = etcd;
    await waitFor('/health answering', etcdProcess, async () => {
      const response = await request(`${etcdUrl}/health`, { headersTimeout: 2_000, bodyTimeout: 2_000 });
      await response.body.dump();
      return response.statusCode === 200;
    });
    await startApiServer();
    const files = await crdFiles(dirs.crds, options.gatewayApiChannel ?? 'standard');
    await kubectl(['apply', '--server-side', ...files.flatMap((file) => ['-f', file])]);
    await kubectl(['wait', '--for=condition=Established', '--timeout=120s', 'crd', '--all']);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    token,
    ca,
    kubeconfig,
    sluiceKubeconfig,
    kubeconfigFor: (user) => kubeconfigFor(url, ca, user),
    kubectl,
    apply: (yaml) => kubectl(['apply', '-f', '-'], yaml),
    stopApiServer: () => stopProcess(apiServer),
    startApiServer,
    stop,
  };
}
