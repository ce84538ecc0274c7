// The streaming benchmark: many concurrent server-sent-event streams, direct and through Sluice; jitter, events/s, Sluice's CPU and RSS.

import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
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
} from './sluice-under-test.ts';

const usage = `Usage: npx node bench/streaming/run.ts [--streams 1000] [--events 300] [--interval-ms 10] [--rounds 2]

Opens --streams concurrent SSE streams of --events events each, one event every --interval-ms, directly
to a node:http upstream and through Sluice, in alternating rounds, and prints a markdown table.`;

/** The whole run is cut short (its streams fail) after this long, whatever the options say. */
const runDeadline = Date.now() + 60_000;

// CLOCK_MONOTONIC is shared by every process on the machine, so the upstream's send times compare with arrivals here.
const now = () => Number(process.hrtime.bigint()) / 1e6;

const { values } = parseArgs({
  strict: true,
  options: {
    role: { type: 'string', default: 'bench' },
    streams: { type: 'string', default: '1000' },
    events: { type: 'string', default: '300' },
    'interval-ms': { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    help: { type: 'boolean', default: false },
  },
});
const streams = Number(values.streams);
const events = Number(values.events);
const intervalMs = Number(values['interval-ms']);
const rounds = Number(values.rounds);

if (values.help) print(usage);
else if (values.role === 'upstream') await serveEvents();
else await main();

/** The upstream role: each request gets `?events=N` events, one per interval, each carrying its send time. */
async function serveEvents(): Promise<void> {
  const server = http.createServer((req, res) => {
    const count = Number(new URL(req.url ?? '/', 'http://upstream').searchParams.get('events') ?? '1');
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let sent = 0;
    const timer = setInterval(() => {
      res.write(`data: ${now().toFixed(3)}\n\n`);
      sent += 1;
      if (sent >= count) {
        clearInterval(timer);
        res.end();
      }
    }, intervalMs);
    res.on('close', () => clearInterval(timer));
  });
  // A backlog that takes every stream's connection at once, so none waits for a SYN retry.
  server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 });
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  announceListening(address.port);
  process.once('SIGTERM', () => process.exit(0));
}

interface Pass {
  target: Target;
  eventsPerSecond: number;
  received: number;
  jitterP50: number;
  jitterP99: number;
  latencyP50: number;
  latencyP99: number;
  sluiceCpuPercent?: number;
  sluiceRssMiB?: number;
  clientCpuPercent: number;
  upstreamCpuPercent: number;
}

async function main(): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), 'sluice-bench-streaming-'));
  const loadBefore = loadAverage();
  const upstream = await startRole(
    import.meta.filename,
    ['--role', 'upstream', '--interval-ms', String(intervalMs)],
    folder,
  );
  const listenerPort = await freePort(['127.0.0.1']);
  const stops = [upstream.stop];
  try {
    const sluice = await startSluice(
      folder,
      benchManifests({ listenerPort, backendPort: upstream.port, routeKind: 'HTTPRoute' }),
    );
    stops.push(() => sluice.stop());
    const urls = {
      direct: `http://127.0.0.1:${upstream.port}/`,
      sluice: `http://127.0.0.1:${listenerPort}/`,
    };
    const passes: Pass[] = [];
    for (const [round, order] of alternatingRounds(rounds).entries()) {
      for (const target of order) {
        console.error(`round ${round + 1}: ${target}`);
        passes.push(
          await measure(target, urls[target], upstream.pid, target === 'sluice' ? sluice.pid : undefined),
        );
      }
    }
    const peak = processUsage(sluice.pid).peakRssMiB;
    printReport(passes, loadBefore, loadAverage(), peak);
  } finally {
    for (const stop of stops.reverse()) await stop();
    await rm(folder, { recursive: true, force: true });
  }
}

/** One pass: connections are opened by a one-event warm-up, then every stream runs at once on them. */
async function measure(target: Target, url: string, upstreamPid: number, sluicePid?: number): Promise<Pass> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: streams });
  const cutShort = setTimeout(() => agent.destroy(), runDeadline - Date.now());
  try {
    await Promise.all(Array.from({ length: streams }, () => openStream(url, agent, 1, () => {})));
    const jitters = new Float64Array(streams * events);
    const latencies = new Float64Array(streams * events);
    let received = 0;
    let gaps = 0;
    let peakRssMiB = 0;
    const rssSampler = setInterval(() => {
      if (sluicePid !== undefined) peakRssMiB = Math.max(peakRssMiB, processUsage(sluicePid).rssMiB);
    }, 250);
    const sluiceBefore = sluicePid === undefined ? undefined : processUsage(sluicePid);
    const upstreamBefore = processUsage(upstreamPid).cpuSeconds;
    const clientBefore = process.cpuUsage();
    const started = now();
    await Promise.all(
      Array.from({ length: streams }, () => {
        let previous: number | undefined;
        return openStream(url, agent, events, (sentAt, arrivedAt) => {
          latencies[received++] = arrivedAt - sentAt;
          if (previous !== undefined) jitters[gaps++] = Math.abs(arrivedAt - previous - intervalMs);
          previous = arrivedAt;
        });
      }),
    );
    const seconds = (now() - started) / 1000;
    clearInterval(rssSampler);
    const cpuPercent = (before: number, after: number) => (100 * (after - before)) / seconds;
    const client = process.cpuUsage(clientBefore);
    const sortedJitters = jitters.subarray(0, gaps).sort();
    const sortedLatencies = latencies.subarray(0, received).sort();
    return {
      target,
      received,
      eventsPerSecond: received / seconds,
      jitterP50: percentile(sortedJitters, 0.5),
      jitterP99: percentile(sortedJitters, 0.99),
      latencyP50: percentile(sortedLatencies, 0.5),
      latencyP99: percentile(sortedLatencies, 0.99),
      sluiceCpuPercent:
        sluicePid === undefined || sluiceBefore === undefined
          ? undefined
          : cpuPercent(sluiceBefore.cpuSeconds, processUsage(sluicePid).cpuSeconds),
      sluiceRssMiB: sluicePid === undefined ? undefined : peakRssMiB,
      clientCpuPercent: cpuPercent(0, (client.user + client.system) / 1e6),
      upstreamCpuPercent: cpuPercent(upstreamBefore, processUsage(upstreamPid).cpuSeconds),
    };
  } finally {
    clearTimeout(cutShort);
    agent.destroy();
  }
}

/** One stream: calls `onEvent` with each event's send time and the time its chunk arrived. */
function openStream(
  url: string,
  agent: http.Agent,
  count: number,
  onEvent: (sentAt: number, arrivedAt: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${url}?events=${count}`, { agent }, (response) => {
      if (response.statusCode !== 200) reject(new Error(`${url} answered ${response.statusCode}`));
      response.setEncoding('utf8');
      let pending = '';
      response.on('data', (chunk: string) => {
        const arrivedAt = now();
        pending += chunk;
        for (let end = pending.indexOf('\n\n'); end !== -1; end = pending.indexOf('\n\n')) {
          onEvent(Number(pending.slice('data: '.length, end)), arrivedAt);
          pending = pending.slice(end + 2);
        }
      });
      response.once('end', resolve);
      response.once('error', reject);
    });
    request.once('error', reject);
  });
}

function printReport(passes: Pass[], loadBefore: string, loadAfter: string, sluicePeakRssMiB: number): void {
  const ms = (value: number) => value.toFixed(2);
  const optional = (value: number | undefined, digits: number) =>
    value === undefined ? '–' : value.toFixed(digits);
  print(
    `${streams} SSE streams × ${events} events, one every ${intervalMs} ms; load average ${loadBefore} → ${loadAfter}\n`,
  );
  print(
    '| target | events/s | jitter p50 ms | jitter p99 ms | latency p50 ms | latency p99 ms | Sluice CPU % | Sluice RSS MiB | client CPU % | upstream CPU % |',
  );
  print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const pass of passes) {
    print(
      `| ${pass.target} | ${Math.round(pass.eventsPerSecond)} | ${ms(pass.jitterP50)} | ${ms(pass.jitterP99)} | ${ms(pass.latencyP50)} | ${ms(pass.latencyP99)} | ${optional(pass.sluiceCpuPercent, 0)} | ${optional(pass.sluiceRssMiB, 0)} | ${pass.clientCpuPercent.toFixed(0)} | ${pass.upstreamCpuPercent.toFixed(0)} |`,
    );
  }
  const ratio = (pick: (pass: Pass) => number) => sluiceOverDirect(passes, pick);
  print(
    `\nSluice / direct (means over rounds): events/s ×${ratio((pass) => pass.eventsPerSecond)}, jitter p99 ×${ratio((pass) => pass.jitterP99)}, latency p99 ×${ratio((pass) => pass.latencyP99)}. Sluice peak RSS (VmHWM) ${sluicePeakRssMiB.toFixed(0)} MiB.`,
  );
}
