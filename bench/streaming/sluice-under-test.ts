// Shared by the streaming, gRPC and idle-connection benchmarks: Sluice's manifests and process, helper
// processes, percentiles and the report's figures.

import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { BenchProcess, logField, waitFor200 } from '../../src/bench/processes.ts';

const startTimeoutMs = 30_000;

export interface BackendShape {
  listenerPort: number;
  backendPort: number;
  /** `HTTPRoute` for HTTP/1.1 upstreams, `GRPCRoute` with an h2c Service port for gRPC. */
  routeKind: 'HTTPRoute' | 'GRPCRoute';
}

/** A Gateway on 127.0.0.1, one route without matches, and a Service whose one endpoint is 127.0.0.1:backendPort. */
export function benchManifests({ listenerPort, backendPort, routeKind }: BackendShape): object[] {
  const servicePort =
    routeKind === 'GRPCRoute'
      ? { name: 'grpc', port: 80, targetPort: backendPort, appProtocol: 'kubernetes.io/h2c' }
      : { name: 'http', port: 80, targetPort: backendPort };
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
      metadata: { name: 'bench' },
      spec: {
        gatewayClassName: 'sluice',
        addresses: [{ type: 'IPAddress', value: '127.0.0.1' }],
        listeners: [{ name: 'http', port: listenerPort, protocol: 'HTTP' }],
      },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: routeKind,
      metadata: { name: 'bench' },
      spec: { parentRefs: [{ name: 'bench' }], rules: [{ backendRefs: [{ name: 'upstream', port: 80 }] }] },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'upstream' }, spec: { ports: [servicePort] } },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'upstream-1', labels: { 'kubernetes.io/service-name': 'upstream' } },
      addressType: 'IPv4',
      ports: [{ name: servicePort.name, port: backendPort }],
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    },
  ];
}

export interface SluiceStart {
  /** `taskset -c` CPU list for Sluice; unpinned when absent. */
  cpus?: string;
  /** Extra flags for the node running Sluice, for example `--cpu-prof`. */
  nodeArgs?: readonly string[];
  readyTimeoutMs?: number;
}

/** Starts `sluice serve` on the manifests (admin on an ephemeral port) and returns once `/readyz` answers 200. */
export async function startSluice(
  folder: string,
  manifests: object[],
  options: SluiceStart = {},
): Promise<BenchProcess> {
  const configDir = join(folder, 'config');
  await mkdir(configDir, { recursive: true });
  await writeFile(join(configDir, 'bench.yaml'), manifests.map((item) => stringify(item)).join('---\n'));
  const sluice = await BenchProcess.startSluice(
    'sluice',
    ['serve', '--config', configDir, '--admin-address', '127.0.0.1:0'],
    { cpus: options.cpus, nodeArgs: options.nodeArgs, logFile: join(folder, 'sluice.log') },
  );
  try {
    const readyTimeoutMs = options.readyTimeoutMs ?? startTimeoutMs;
    const deadline = Date.now() + readyTimeoutMs;
    const adminAddress = await sluice.waitForLine(
      (line) => logField(line, 'admin listening', 'address'),
      readyTimeoutMs,
    );
    await waitFor200(`http://${adminAddress}/readyz`, deadline, sluice);
    return sluice;
  } catch (error) {
    await sluice.stop();
    throw error;
  }
}

/** Runs this benchmark's own file in a helper role (upstream, server) and returns once it printed its port. */
export async function startRole(
  file: string,
  args: string[],
  folder: string,
): Promise<{ pid: number; port: number; stop(): Promise<void> }> {
  const name = `${basename(dirname(file))} ${args.join(' ')}`;
  const role = await BenchProcess.start(name, process.execPath, [file, ...args], {
    logFile: join(folder, `${name.replaceAll(/[^\w.-]+/g, '-')}.log`),
  });
  try {
    const port = await role.waitForLine((line) => /^listening (\d+)$/.exec(line)?.[1], startTimeoutMs);
    return { pid: role.pid, port: Number(port), stop: () => role.stop() };
  } catch (error) {
    await role.stop();
    throw error;
  }
}

/** The line a helper role prints once it accepts connections. */
export function announceListening(port: number): void {
  process.stdout.write(`listening ${port}\n`);
}

/** The value below which `fraction` of the sorted values fall (nearest rank). */
export function percentile(sorted: Float64Array | number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

/** The machine's load average, as `uptime` prints it. */
export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');
}

export type Target = 'direct' | 'sluice';

/** The order of the targets in each round: the one that goes first alternates, so neither always runs on a cooler machine. */
export function alternatingRounds(rounds: number): Target[][] {
  return Array.from({ length: rounds }, (_, round) =>
    round % 2 === 0 ? ['direct', 'sluice'] : ['sluice', 'direct'],
  );
}

/** Sluice's mean over the rounds divided by the direct path's, for one figure of the passes. */
export function sluiceOverDirect<Pass extends { target: Target }>(
  passes: Pass[],
  pick: (pass: Pass) => number,
): string {
  const mean = (target: Target) => {
    const chosen = passes.filter((pass) => pass.target === target).map(pick);
    return chosen.reduce((sum, value) => sum + value, 0) / chosen.length;
  };
  return (mean('sluice') / mean('direct')).toFixed(2);
}

/** One line of a benchmark's report on stdout. */
export function print(line: string): void {
  process.stdout.write(`${line}\n`);
}
