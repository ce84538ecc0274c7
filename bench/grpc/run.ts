// The gRPC benchmark: unary calls at a fixed number in flight, direct to a grpc-js server and through Sluice's GRPCRoute.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { freePort } from '../../src/bench/ports.ts';
import { processUsage } from '../../src/bench/processes.ts';
import {
  alternatingRounds,
  announceListening,
  benchManifests,
  loadAverage,
  percentile,
  print,
  sluiceOverDirect,
  startRole,
  startSluice,
  type Target,
} from '../streaming/sluice-under-test.ts';

const usage = `Usage: npx node bench/grpc/run.ts [--in-flight 64] [--duration-s 8] [--warmup-s 2] [--rounds 2]

Makes unary gRPC calls with --in-flight calls outstanding, directly to a grpc-js server and through
Sluice (GRPCRoute, h2c backend), in alternating rounds, and prints a markdown table.`;

/** The payload is passed through untouched: the benchmark measures transport, not protobuf. */
const unary: grpc.MethodDefinition<Buffer, Buffer> = {
  path: '/sluice.bench.Echo/Unary',
  requestStream: false,
  responseStream: false,
  requestSerialize: (bytes) => bytes,
  requestDeserialize: (bytes) => bytes,
  responseSerialize: (bytes) => bytes,
  responseDeserialize: (bytes) => bytes,
};
const payload = Buffer.alloc(64, 'x');

const { values } = parseArgs({
  strict: true,
  options: {
    role: { type: 'string', default: 'bench' },
    'in-flight': { type: 'string', default: '64' },
    'duration-s': { type: 'string', default: '8' },
    'warmup-s': { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
    help: { type: 'boolean', default: false },
  },
});
const inFlight = Number(values['in-flight']);
const durationMs = Number(values['duration-s']) * 1000;
const warmupMs = Number(values['warmup-s']) * 1000;
const rounds = Number(values.rounds);

if (values.help) print(usage);
else if (values.role === 'server') await serveEcho();
else await main();

/** The server role: a grpc-js server that answers every call with the request's bytes. */
async function serveEcho(): Promise<void> {
  const server = new grpc.Server();
  server.addService(
    { Unary: unary },
    {
      Unary: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) =>
        callback(null, call.request),
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error === null ? resolve(bound) : reject(error),
    ),
  );
  announceListening(port);
  process.once('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
}

interface Pass {
  target: Target;
  callsPerSecond: number;
  errors: number;
  p50: number;
  p99: number;
  sluiceCpuPercent?: number;
  clientCpuPercent: number;
  serverCpuPercent: number;
}

async function main(): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), 'sluice-bench-grpc-'));
  const loadBefore = loadAverage();
  const server = await startRole(import.meta.filename, ['--role', 'server'], folder);
  const stops = [server.stop];
  try {
    const listenerPort = await freePort(['127.0.0.1']);
    const sluice = await startSluice(
      folder,
      benchManifests({ listenerPort, backendPort: server.port, routeKind: 'GRPCRoute' }),
    );
    stops.push(() => sluice.stop());
    const targets = { direct: `127.0.0.1:${server.port}`, sluice: `127.0.0.1:${listenerPort}` };
    await untilCallsSucceed(targets.sluice);
    const passes: Pass[] = [];
    for (const [round, order] of alternatingRounds(rounds).entries()) {
      for (const target of order) {
        console.error(`round ${round + 1}: ${target}`);
        passes.push(
          await measure(target, targets[target], server.pid, target === 'sluice' ? sluice.pid : undefined),
        );
      }
    }
    printReport(passes, loadBefore, loadAverage(), processUsage(sluice.pid).peakRssMiB);
  } finally {
    for (const stop of stops.reverse()) await stop();
    await rm(folder, { recursive: true, force: true });
  }
}

/** Sluice is ready before its route is: calls go through once the GRPCRoute is programmed. */
async function untilCallsSucceed(target: string): Promise<void> {
  const client = new grpc.Client(target, grpc.credentials.createInsecure());
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (
        await call(client).then(
          () => true,
          () => false,
        )
      )
        return;
      await sleep(100);
    }
    throw new Error(`no successful call through ${target}`);
  } finally {
    client.close();
  }
}

function call(client: grpc.Client): Promise<void> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      unary.path,
      unary.requestSerialize,
      unary.responseDeserialize,
      payload,
      (error) => (error === null ? resolve() : reject(error)),
    ),
  );
}

/** A warm-up, then `inFlight` loops each making one call after another until the time is up. */
async function measure(
  target: Target,
  address: string,
  serverPid: number,
  sluicePid?: number,
): Promise<Pass> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  try {
    await callsFor(client, warmupMs, []);
    const latencies: number[] = [];
    const sluiceBefore = sluicePid === undefined ? 0 : processUsage(sluicePid).cpuSeconds;
    const serverBefore = processUsage(serverPid).cpuSeconds;
    const clientBefore = process.cpuUsage();
    const started = performance.now();
    const errors = await callsFor(client, durationMs, latencies);
    const seconds = (performance.now() - started) / 1000;
    const cpuPercent = (before: number, after: number) => (100 * (after - before)) / seconds;
    const clientCpu = process.cpuUsage(clientBefore);
    latencies.sort((a, b) => a - b);
    return {
      target,
      callsPerSecond: latencies.length / seconds,
      errors,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      sluiceCpuPercent:
        sluicePid === undefined ? undefined : cpuPercent(sluiceBefore, processUsage(sluicePid).cpuSeconds),
      clientCpuPercent: cpuPercent(0, (clientCpu.user + clientCpu.system) / 1e6),
      serverCpuPercent: cpuPercent(serverBefore, processUsage(serverPid).cpuSeconds),
    };
  } finally {
    client.close();
  }
}

/** Runs the loops for `ms`, pushing each successful call's latency; returns the number of failed calls. */
async function callsFor(client: grpc.Client, ms: number, latencies: number[]): Promise<number> {
  const deadline = performance.now() + ms;
  let errors = 0;
  const loop = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      try {
        await call(client);
        latencies.push(performance.now() - started);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  return errors;
}

function printReport(passes: Pass[], loadBefore: string, loadAfter: string, sluicePeakRssMiB: number): void {
  print(
    `gRPC unary, ${inFlight} calls in flight, ${durationMs / 1000} s per pass; load average ${loadBefore} → ${loadAfter}\n`,
  );
  print(
    '| target | calls/s | errors | p50 ms | p99 ms | Sluice CPU % | Sluice CPU µs/call | client CPU % | server CPU % |',
  );
  print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const pass of passes) {
    print(
      `| ${pass.target} | ${Math.round(pass.callsPerSecond)} | ${pass.errors} | ${pass.p50.toFixed(2)} | ${pass.p99.toFixed(2)} | ${pass.sluiceCpuPercent?.toFixed(0) ?? '–'} | ${sluiceMicrosPerCall(pass)?.toFixed(0) ?? '–'} | ${pass.clientCpuPercent.toFixed(0)} | ${pass.serverCpuPercent.toFixed(0)} |`,
    );
  }
  const ratio = (pick: (pass: Pass) => number) => sluiceOverDirect(passes, pick);
  const cost = passes.flatMap((pass) => sluiceMicrosPerCall(pass) ?? []);
  print(
    `\nSluice / direct (means over rounds): calls/s ×${ratio((pass) => pass.callsPerSecond)}, p50 ×${ratio((pass) => pass.p50)}, p99 ×${ratio((pass) => pass.p99)}. Sluice CPU per call (mean) ${(cost.reduce((sum, value) => sum + value, 0) / cost.length).toFixed(0)} µs. Sluice peak RSS (VmHWM) ${sluicePeakRssMiB.toFixed(0)} MiB.`,
  );
}

/**
 * Sluice's own CPU time per call relayed: unlike calls/s, it does not depend on how much of the shared
 * machine the client, the server and other work left to Sluice.
 */
function sluiceMicrosPerCall(pass: Pass): number | undefined {
  if (pass.sluiceCpuPercent === undefined || pass.callsPerSecond === 0) return undefined;
  return (pass.sluiceCpuPercent / 100 / pass.callsPerSecond) * 1e6;
}
