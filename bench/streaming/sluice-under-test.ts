// Shared by the streaming, gRPC and idle-connection benchmarks: Sluice's manifests and process, helper
// processes, /proc figures and percentiles.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';

const repositoryRoot = join(import.meta.dirname, '..', '..');
const startTimeoutMs = 30_000;
// Linux reports utime/stime in clock ticks; USER_HZ is 100 on every architecture Node supports.
const clockTicksPerSecond = 100;

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

export interface Sluice {
  pid: number;
  stop(): Promise<void>;
}

/** Starts `sluice serve` on the manifests (admin on an ephemeral port) and returns once `/readyz` answers 200. */
export async function startSluice(folder: string, manifests: object[]): Promise<Sluice> {
  const configDir = join(folder, 'config');
  await mkdir(configDir, { recursive: true });
  await writeFile(join(configDir, 'bench.yaml'), manifests.map((item) => stringify(item)).join('---\n'));
  const args = [join(repositoryRoot, 'src', 'cli', 'main.ts'), 'serve', '--config', configDir];
  const child = await startProcess(process.execPath, [...args, '--admin-address', '127.0.0.1:0'], folder);
  try {
    const adminAddress = await firstLine(child, adminAddressIn);
    const deadline = Date.now() + startTimeoutMs;
    while ((await fetchStatus(`http://${adminAddress}/readyz`)) !== 200) {
      if (Date.now() > deadline) throw new Error('Sluice did not become ready');
      await sleep(100);
    }
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return { pid: child.pid ?? 0, stop: () => stopProcess(child) };
}

/** Runs this benchmark's own file in a helper role (upstream, server) and returns once it printed its port. */
export async function startRole(
  file: string,
  args: string[],
  folder: string,
): Promise<{ pid: number; port: number; stop(): Promise<void> }> {
  const child = await startProcess(process.execPath, [file, ...args], folder);
  try {
    const port = await firstLine(child, (line) => /^listening (\d+)$/.exec(line)?.[1]);
    return { pid: child.pid ?? 0, port: Number(port), stop: () => stopProcess(child) };
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
}

/** The line a helper role prints once it accepts connections. */
export function announceListening(port: number): void {
  process.stdout.write(`listening ${port}\n`);
}

/** Every child still running, killed by pid if this process exits abruptly. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

async function startProcess(command: string, args: string[], folder: string): Promise<ChildProcess> {
  const child = spawn(command, args, { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  await Promise.race([once(child, 'spawn'), once(child, 'error').then(([error]) => Promise.reject(error))]);
  children.add(child);
  const logFile = createWriteStream(join(folder, `${child.pid}.log`));
  child.stdout?.pipe(logFile);
  child.stderr?.pipe(logFile);
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  }
  children.delete(child);
}

async function firstLine(child: ChildProcess, pick: (line: string) => string | undefined): Promise<string> {
  const stdout = child.stdout;
  if (stdout === null) throw new Error('no stdout');
  const lines = createInterface({ input: stdout });
  const timer = setTimeout(() => lines.close(), startTimeoutMs);
  try {
    for await (const line of lines) {
      const value = pick(line);
      if (value !== undefined) return value;
    }
  } finally {
    clearTimeout(timer);
    lines.close();
  }
  throw new Error(`process ${child.pid} ended or timed out before it was ready`);
}

function adminAddressIn(line: string): string | undefined {
  try {
    const entry: unknown = JSON.parse(line);
    if (typeof entry !== 'object' || entry === null) return undefined;
    const { msg, address } = entry as Record<string, unknown>;
    return msg === 'admin listening' && typeof address === 'string' ? address : undefined;
  } catch {
    return undefined;
  }
}

async function fetchStatus(url: string): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** A port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface ProcessUsage {
  cpuSeconds: number;
  rssMiB: number;
  peakRssMiB: number;
}

/** CPU time so far and current and peak resident memory of a process, from /proc. */
export function processUsage(pid: number): ProcessUsage {
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return {
    cpuSeconds: ticks / clockTicksPerSecond,
    rssMiB: kib('VmRSS') / 1024,
    peakRssMiB: kib('VmHWM') / 1024,
  };
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
