// Sluice for the proxy benchmark: generated manifests for one plain HTTPRoute, then `sluice serve` until it routes.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { BenchProcess, waitFor200 } from './processes.ts';

const repositoryRoot = join(import.meta.dirname, '..', '..');
const readyTimeoutMs = 60_000;

export interface SluiceOptions {
  /** A fresh folder for the manifests and the log. */
  folder: string;
  listenerPort: number;
  upstreamPort: number;
  cpus?: string;
  /** Extra flags for the node running Sluice, for example `--cpu-prof`. */
  nodeArgs?: string[];
}

export interface RunningSluice {
  process: BenchProcess;
  adminAddress: string;
}

/** A GatewayClass, a Gateway bound to 127.0.0.1, and an HTTPRoute to a Service whose one endpoint is the upstream. */
export function benchManifests(listenerPort: number, upstreamPort: number): object[] {
  return [
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: 'sluice' },
      spec: { controllerName: 'sluice.dev/gateway-controller' },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'bench', namespace: 'default' },
      spec: {
        gatewayClassName: 'sluice',
        addresses: [{ type: 'IPAddress', value: '127.0.0.1' }],
        listeners: [{ name: 'http', port: listenerPort, protocol: 'HTTP' }],
      },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'bench', namespace: 'default' },
      spec: {
        parentRefs: [{ name: 'bench' }],
        rules: [{ backendRefs: [{ name: 'upstream', port: 80 }] }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'upstream', namespace: 'default' },
      spec: { ports: [{ name: 'http', port: 80, targetPort: upstreamPort }] },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'upstream-1',
        namespace: 'default',
        labels: { 'kubernetes.io/service-name': 'upstream' },
      },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: upstreamPort }],
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    },
  ];
}

/** Starts `sluice serve` on the generated manifests and returns once `/readyz` and the route both answer 200. */
export async function startSluice(options: SluiceOptions): Promise<RunningSluice> {
  const configDir = join(options.folder, 'config');
  await mkdir(configDir, { recursive: true });
  const manifests = benchManifests(options.listenerPort, options.upstreamPort);
  await writeFile(
    join(configDir, 'bench.yaml'),
    manifests.map((manifest) => stringify(manifest)).join('---\n'),
  );
  const args = [
    ...(options.nodeArgs ?? []),
    join(repositoryRoot, 'src', 'cli', 'main.ts'),
    'serve',
    '--config',
    configDir,
    '--admin-address',
    '127.0.0.1:0',
  ];
  const sluice = await BenchProcess.start('sluice', process.execPath, args, {
    cpus: options.cpus,
    cwd: repositoryRoot,
    logFile: join(options.folder, 'sluice.log'),
  });
  try {
    const deadline = Date.now() + readyTimeoutMs;
    const adminAddress = await sluice.waitForLine(adminAddressIn, readyTimeoutMs);
    await waitFor200(`http://${adminAddress}/readyz`, deadline, sluice);
    await waitFor200(`http://127.0.0.1:${options.listenerPort}/`, deadline, sluice);
    return { process: sluice, adminAddress };
  } catch (error) {
    await sluice.stop();
    throw error;
  }
}

/** The address in Sluice's `{"msg":"admin listening","address":"HOST:PORT"}` log line. */
function adminAddressIn(line: string): string | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const entry: unknown = JSON.parse(line);
    if (typeof entry !== 'object' || entry === null) return undefined;
    const { msg, address } = entry as Record<string, unknown>;
    return msg === 'admin listening' && typeof address === 'string' ? address : undefined;
  } catch {
    return undefined;
  }
}
