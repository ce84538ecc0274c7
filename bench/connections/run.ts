// The idle-connection benchmark: many keep-alive client connections, one request each, then idle; Sluice's resident memory.

import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { freePort } from '../../src/bench/ports.ts';
import { type ProcessUsage, processUsage } from '../../src/bench/processes.ts';
import {
  announceListening,
  benchManifests,
  loadAverage,
  print,
  startRole,
  startSluice,
} from '../streaming/sluice-under-test.ts';

const usage = `Usage: npx node bench/connections/run.ts [--connections 10000] [--source-addresses 8]
                                        [--request-batch 0]

Opens --connections keep-alive connections (from 127.0.1.1 … 127.0.1.N) to a bare node:http server,
then to Sluice, sends one small request on each (all at once, or --request-batch at a time), and
reports each server's current and peak resident memory while they are idle.
Raises its own open-file limit to the hard limit first.`;

const goalMiB = 300;
/** Connection attempts in flight at once, so the listen backlog never overflows into SYN retries. */
const connectBatch = 500;
const request = 'GET / HTTP/1.1\r\nhost: bench\r\n\r\n';

const { values } = parseArgs({
  strict: true,
  options: {
    role: { type: 'string', default: 'bench' },
    connections: { type: 'string', default: '10000' },
    'source-addresses': { type: 'string', default: '8' },
    'request-batch': { type: 'string', default: '0' },
    'keep-alive-ms': { type: 'string', default: '5000' },
    help: { type: 'boolean', default: false },
  },
});
const connections = Number(values.connections);
const sourceAddresses = Number(values['source-addresses']);
/** Requests in flight at once; 0: every connection sends its request at the same time. */
const requestBatch = Number(values['request-batch']) || connections;

if (values.help) print(usage);
else if (values.role === 'bare') await serveBare();
else if (process.env.SLUICE_BENCH_RAISED_NOFILE === undefined) reexecWithRaisedLimit();
else await main();

/** Each connection needs a descriptor here and one in Sluice (which inherits the limit). */
function reexecWithRaisedLimit(): void {
  const result = spawnSync(
    'bash',
    [
      '-c',
      'ulimit -n "$(ulimit -Hn)" && exec "$@"',
      'bash',
      process.execPath,
      import.meta.filename,
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit', env: { ...process.env, SLUICE_BENCH_RAISED_NOFILE: '1' } },
  );
  process.exitCode = result.status ?? 1;
}

interface Holding {
  answered: number;
  openAfterOneSecond: number;
  openAfterSevenSeconds: number;
  openSeconds: number;
  before: ProcessUsage;
  idle: ProcessUsage;
}

async function main(): Promise<void> {
  const limit = spawnSync('bash', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim();
  if (Number(limit) < connections + 1_000)
    throw new Error(`open-file limit ${limit} is too low for ${connections} connections`);
  const folder = await mkdtemp(join(tmpdir(), 'sluice-bench-connections-'));
  const loadBefore = loadAverage();
  const upstream = http.createServer((_, res) => res.end('ok'));
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const address = upstream.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const stops: (() => Promise<void>)[] = [async () => void upstream.close()];
  try {
    // The same connections held by a bare node:http server: what any Node server pays per connection.
    // Loaded here, not at the top: the bare role runs this file too, and must not load Sluice.
    const { defaultClientIdleTimeoutMs } = await import('../../src/dataplane/listeners/socket.ts');
    const bare = await startRole(
      import.meta.filename,
      ['--role', 'bare', '--keep-alive-ms', String(defaultClientIdleTimeoutMs)],
      folder,
    );
    stops.push(bare.stop);
    const results: [string, Holding][] = [['bare node:http', await holdConnections(bare.port, bare.pid)]];
    const listenerPort = await freePort(['127.0.0.1']);
    const sluice = await startSluice(
      folder,
      benchManifests({ listenerPort, backendPort: address.port, routeKind: 'HTTPRoute' }),
    );
    stops.push(() => sluice.stop());
    results.push(['Sluice', await holdConnections(listenerPort, sluice.pid)]);
    printReport(results, loadBefore, loadAverage());
  } finally {
    for (const stop of stops.reverse()) await stop();
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * The bare role: a node:http server answering `ok`, with node's defaults but for the keep-alive
 * timeout (`--keep-alive-ms`), which the benchmark sets to Sluice's client idle timeout so that both
 * hold the same connections.
 */
async function serveBare(): Promise<void> {
  const server = http.createServer((_, res) => res.end('ok'));
  server.keepAliveTimeout = Number(values['keep-alive-ms']);
  server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 });
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  announceListening(address.port);
  process.once('SIGTERM', () => process.exit(0));
}

/** Opens every connection, sends one request on each, and reads the server's memory while they are idle. */
async function holdConnections(port: number, serverPid: number): Promise<Holding> {
  // One request through before the baseline, so that the route and upstream pool exist in both figures.
  await untilRouted(port);
  const before = processUsage(serverPid);
  console.error(`opening ${connections} connections to port ${port}`);
  const sockets: Socket[] = [];
  try {
    const openStarted = performance.now();
    for (let first = 0; first < connections; first += connectBatch) {
      const batch = Array.from({ length: Math.min(connectBatch, connections - first) }, (_, offset) =>
        openConnection(port, `127.0.1.${((first + offset) % sourceAddresses) + 1}`),
      );
      sockets.push(...(await Promise.all(batch)));
    }
    const openSeconds = (performance.now() - openStarted) / 1000;
    let answered = 0;
    for (let first = 0; first < sockets.length; first += requestBatch) {
      const batch = sockets.slice(first, first + requestBatch);
      answered += (await Promise.all(batch.map(requestOnce))).filter(Boolean).length;
    }
    const open = () => sockets.filter((socket) => !socket.destroyed && socket.readyState === 'open').length;
    await sleep(1_000);
    const idle = processUsage(serverPid);
    const openAfterOneSecond = open();
    await sleep(6_000);
    return { answered, openAfterOneSecond, openAfterSevenSeconds: open(), openSeconds, before, idle };
  } finally {
    for (const socket of sockets) socket.destroy();
  }
}

function printReport(results: [string, Holding][], loadBefore: string, loadAfter: string): void {
  const sent = requestBatch >= connections ? 'all sent at once' : `sent ${requestBatch} at a time`;
  print(
    `${connections} keep-alive connections from ${sourceAddresses} source addresses, one request each (${sent}); load average ${loadBefore} → ${loadAfter}\n`,
  );
  print(
    '| server | opened in s | answered 200 | open 1 s after | open 7 s after | RSS before MiB | RSS idle MiB | peak RSS MiB | KiB per connection |',
  );
  print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, held] of results) {
    const perConnection = (1024 * (held.idle.rssMiB - held.before.rssMiB)) / connections;
    print(
      `| ${name} | ${held.openSeconds.toFixed(1)} | ${held.answered} | ${held.openAfterOneSecond} | ${held.openAfterSevenSeconds} | ${held.before.rssMiB.toFixed(0)} | ${held.idle.rssMiB.toFixed(0)} | ${held.idle.peakRssMiB.toFixed(0)} | ${perConnection.toFixed(1)} |`,
    );
  }
  const sluice = results.find(([name]) => name === 'Sluice')?.[1];
  if (sluice !== undefined)
    print(
      `\nSluice's peak RSS against the ${goalMiB} MiB goal: ${sluice.idle.peakRssMiB <= goalMiB ? 'within' : 'over'}.`,
    );
}

async function untilRouted(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
    await response?.arrayBuffer();
    if (response?.status === 200) return;
    await sleep(100);
  }
  throw new Error('the route never answered 200');
}

async function openConnection(port: number, localAddress: string): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port, localAddress });
  await once(socket, 'connect');
  // Errors after the connection is up (a reset when the benchmark ends) are not the benchmark's concern.
  socket.on('error', () => {});
  return socket;
}

/** Sends the request and resolves with whether a 200 answer came back; the socket stays open. */
function requestOnce(socket: Socket): Promise<boolean> {
  return new Promise((resolve) => {
    socket.setEncoding('latin1');
    let received = '';
    const onData = (chunk: string) => {
      received += chunk;
      if (!received.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      resolve(received.startsWith('HTTP/1.1 200'));
    };
    socket.on('data', onData);
    socket.once('close', () => resolve(false));
    socket.write(request);
  });
}
