// The proxy benchmark: direct vs nginx vs Sluice on one nginx upstream, interleaved rounds, one markdown report.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { freePort } from '../../src/bench/ports.ts';
import { BenchProcess, cpuSeconds, waitFor200 } from '../../src/bench/processes.ts';
import { parseDuration } from '../../src/resources/gateway-shared.ts';
import { coreTicks, findExecutable, setAffinity } from './machine.ts';
import { proxyConfig, startNginx, upstreamConfig } from './nginx.ts';
import { renderReport, type Sample, type Target, targets } from './report.ts';
import { startRoutingSluice } from './sluice.ts';
import { type RequestCase, requestCases } from './workload.ts';
import { startWrk, stopAllWrk, writeWrkScript } from './wrk.ts';

const usage = `Usage: npx node bench/proxy/run.ts [options]

Sends small GET and POST requests through each path (direct to the upstream, nginx, a bare Node proxy,
Sluice) with wrk, in interleaved rounds, and prints a markdown report on stdout (progress goes to stderr).

  --duration D      length of each measured run, whole seconds (default 6s)
  --warmup D        unmeasured run before each measured one (default 2s; 0s for none)
  --connections N   connections of the throughput runs (default 64); latency runs use 1
  --rounds N        interleaved rounds; the report shows medians (default 5)
  --targets LIST    comma-separated subset of direct,nginx,bare-node,sluice (default all four);
                    bare-node is a minimal node:http + undici proxy, the ceiling of a Node proxy
  --no-pin          do not pin processes to cores with taskset
  --cpu-prof DIR    run Sluice under node --cpu-prof and write its profile into DIR
  --keep            keep the temporary folder (configs, logs) and print its path
  --help            this text

Requires wrk and nginx (Debian: apt-get install -y wrk nginx-light). Everything listens on 127.0.0.1.`;

const startTimeoutMs = 10_000;

/** Aborted by SIGINT/SIGTERM so that waits end at once and main() unwinds through its cleanup. */
const interruption = new AbortController();

interface Options {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  rounds: number;
  targets: Target[];
  pin: boolean;
  cpuProfileDir?: string;
  keep: boolean;
}

interface Tools {
  nginx: string;
  wrk: string;
}

/** Which cores the proxy under test and the load (upstream + wrk) run on; both undefined when unpinned. */
interface Placement {
  proxyCpus?: string;
  loadCpus?: string;
  description: string;
}

interface Endpoints {
  /** The base URL each target is reached at. */
  urls: Record<Target, string>;
  /** The pids whose CPU counts as "proxy" for each target (none for direct). */
  proxyPids: Record<Target, number[]>;
  upstreamPids: number[];
}

/** One measured wrk run against one target. */
interface Run {
  url: string;
  connections: number;
  scriptPath: string;
  /** Where wrk runs; the upstream has been moved there too. */
  loadCpus?: string;
  proxyPids: number[];
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowNegative: true,
    options: {
      duration: { type: 'string', default: '6s' },
      warmup: { type: 'string', default: '2s' },
      connections: { type: 'string', default: '64' },
      rounds: { type: 'string', default: '5' },
      targets: { type: 'string', default: targets.join(',') },
      pin: { type: 'boolean', default: true },
      'cpu-prof': { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const chosenTargets = values.targets.split(',').map((name) => name.trim());
  for (const name of chosenTargets) {
    if (!(targets as readonly string[]).includes(name))
      throw new Error(`--targets: unknown target "${name}"`);
  }
  return {
    durationSeconds: wholeSeconds(values.duration, '--duration', 1),
    warmupSeconds: wholeSeconds(values.warmup, '--warmup', 0),
    connections: positiveInteger(values.connections, '--connections'),
    rounds: positiveInteger(values.rounds, '--rounds'),
    // Keep the canonical order so tables read the same whatever order was typed.
    targets: targets.filter((target) => chosenTargets.includes(target)),
    pin: values.pin,
    cpuProfileDir: values['cpu-prof'],
    keep: values.keep,
  };
}

function wholeSeconds(text: string, flag: string, minimum: number): number {
  const milliseconds = parseDuration(/^\d+$/.test(text) ? `${text}s` : text);
  if (milliseconds === undefined || milliseconds % 1000 !== 0 || milliseconds / 1000 < minimum) {
    throw new Error(`${flag} must be a whole number of seconds, at least ${minimum}s (got "${text}")`);
  }
  return milliseconds / 1000;
}

function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${flag} must be a positive integer (got "${text}")`);
  return value;
}

function findTools(pin: boolean): Tools {
  const nginx = findExecutable('nginx');
  const wrk = findExecutable('wrk');
  const missing = [
    nginx ? '' : 'nginx (Debian package nginx-light or nginx)',
    wrk ? '' : 'wrk (Debian package wrk)',
  ];
  if (pin && !findExecutable('taskset'))
    missing.push('taskset (Debian package util-linux), or pass --no-pin');
  const problems = missing.filter((problem) => problem !== '');
  if (nginx === undefined || wrk === undefined || problems.length > 0) {
    process.stderr.write(
      `The proxy benchmark needs: ${problems.join('; ')}.\n` +
        'Install with: apt-get install -y --no-install-recommends nginx-light wrk\n',
    );
    process.exit(2);
  }
  return { nginx, wrk };
}

/**
 * On two or more cores the proxy under test gets core 0 to itself and the upstream plus wrk share the rest, so
 * nginx's one worker and Sluice's one process compete for the same single core and not with their load. At one
 * connection only one of client, proxy and upstream is busy at a time, so all three share the proxy's core: the
 * added latency is then the proxy's own work, not cross-core wake-ups, which are slow on a virtual machine.
 */
function placement(pin: boolean, connections: number): Placement {
  const cores = availableParallelism();
  if (!pin || cores < 2) {
    return { description: cores < 2 ? 'not pinned (one core)' : 'not pinned (--no-pin)' };
  }
  const loadCpus = cores === 2 ? '1' : `1-${cores - 1}`;
  return {
    proxyCpus: '0',
    loadCpus,
    description:
      `at ${connections} connections the proxy under test on CPU 0, upstream nginx and wrk on CPU ${loadCpus}; ` +
      'at 1 connection all three on CPU 0 (taskset)',
  };
}

function toolVersion(command: string, flag: string): string {
  const result = spawnSync(command, [flag], { encoding: 'utf8' });
  const text = `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n')[0] ?? '';
  return text
    .replace(/^nginx version: /, '')
    .replace(/ Copyright.*$/, '')
    .trim();
}

function cpuModel(): string {
  const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
  return match ? match[1].trim() : 'unknown CPU';
}

function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Starts the upstream and every proxy the chosen targets need; `started` collects them for the caller to stop. */
async function startAll(
  options: Options,
  tools: Tools,
  where: Placement,
  folder: string,
  started: BenchProcess[],
): Promise<Endpoints> {
  const upstreamPort = await freePort(['127.0.0.1']);
  const upstream = await startNginx(
    'upstream nginx',
    upstreamConfig(upstreamPort, join(folder, 'upstream'), requestCases),
    {
      nginxPath: tools.nginx,
      prefix: join(folder, 'upstream'),
      cpus: where.loadCpus,
    },
  );
  started.push(upstream);
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
  await waitFor200(`${upstreamUrl}/`, Date.now() + startTimeoutMs, upstream);
  const endpoints: Endpoints = {
    urls: { direct: upstreamUrl, nginx: '', 'bare-node': '', sluice: '' },
    proxyPids: { direct: [], nginx: [], 'bare-node': [], sluice: [] },
    upstreamPids: upstream.pids,
  };
  if (options.targets.includes('nginx')) {
    const port = await freePort(['127.0.0.1']);
    const nginx = await startNginx('proxy nginx', proxyConfig(port, upstreamPort, join(folder, 'proxy')), {
      nginxPath: tools.nginx,
      prefix: join(folder, 'proxy'),
      cpus: where.proxyCpus,
    });
    started.push(nginx);
    endpoints.urls.nginx = `http://127.0.0.1:${port}`;
    endpoints.proxyPids.nginx = nginx.pids;
    await waitFor200(`${endpoints.urls.nginx}/`, Date.now() + startTimeoutMs, nginx);
  }
  if (options.targets.includes('bare-node')) {
    const port = await freePort(['127.0.0.1']);
    const bare = await BenchProcess.start(
      'bare-node proxy',
      process.execPath,
      [join(import.meta.dirname, 'bare-proxy.ts'), String(port), upstreamUrl],
      { cpus: where.proxyCpus, logFile: join(folder, 'bare-node.log') },
    );
    started.push(bare);
    await bare.waitForLine((line) => (line === 'listening' ? true : undefined), startTimeoutMs);
    await waitFor200(`http://127.0.0.1:${port}/`, Date.now() + startTimeoutMs, bare);
    endpoints.urls['bare-node'] = `http://127.0.0.1:${port}`;
    endpoints.proxyPids['bare-node'] = bare.pids;
  }
  if (options.targets.includes('sluice')) {
    const port = await freePort(['127.0.0.1']);
    progress('starting sluice serve …');
    const sluice = await startRoutingSluice({
      folder: join(folder, 'sluice'),
      listenerPort: port,
      upstreamPort,
      cpus: where.proxyCpus,
      nodeArgs: options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [],
    });
    started.push(sluice);
    endpoints.urls.sluice = `http://127.0.0.1:${port}`;
    endpoints.proxyPids.sluice = sluice.pids;
  }
  return endpoints;
}

/** One wrk run; CPU is sampled inside the run, away from connection set-up and tear-down. */
async function measure(
  options: Options,
  tools: Tools,
  run: Run,
): Promise<Omit<Sample, 'requestCase' | 'target' | 'round'>> {
  const wrk = startWrk({
    wrkPath: tools.wrk,
    url: run.url,
    connections: run.connections,
    durationSeconds: options.durationSeconds,
    scriptPath: run.scriptPath,
    cpus: run.loadCpus,
  });
  const marginMs = Math.min(1000, options.durationSeconds * 100);
  const snapshot = () => ({
    at: performance.now(),
    proxy: cpuSeconds(run.proxyPids),
    cores: coreTicks(),
  });
  await sleep(marginMs, undefined, { signal: interruption.signal });
  const first = snapshot();
  await sleep(options.durationSeconds * 1000 - 2 * marginMs, undefined, { signal: interruption.signal });
  const last = snapshot();
  const result = await wrk.result;
  const share = (seconds: number) => (seconds * 100_000) / (last.at - first.at);
  return {
    connections: run.connections,
    requestsPerSecond: result.requestsPerSecond,
    p50Us: result.p50Us,
    p99Us: result.p99Us,
    errors: result.errors,
    cpu: {
      proxy: run.proxyPids.length === 0 ? undefined : share(last.proxy - first.proxy),
      cores: last.cores.map((core, index) => {
        const before = first.cores[index];
        return core.total > before.total
          ? ((core.busy - before.busy) * 100) / (core.total - before.total)
          : 0;
      }),
    },
  };
}

async function runRounds(
  options: Options,
  tools: Tools,
  where: Placement,
  endpoints: Endpoints,
  folder: string,
) {
  const scripts = new Map<RequestCase, string>();
  for (const requestCase of requestCases) scripts.set(requestCase, await writeWrkScript(folder, requestCase));
  const samples: Sample[] = [];
  const runsPerRound = requestCases.length * 2 * options.targets.length;
  let done = 0;
  for (let round = 1; round <= options.rounds; round++) {
    // Rotate which target goes first so no target always runs on a machine warmed (or tired) by another.
    const order = options.targets.map(
      (_, index) => options.targets[(index + round - 1) % options.targets.length],
    );
    for (const requestCase of requestCases) {
      for (const connections of [options.connections, 1]) {
        const loadCpus = connections === 1 ? where.proxyCpus : where.loadCpus;
        if (loadCpus !== undefined) setAffinity(endpoints.upstreamPids, loadCpus);
        for (const target of order) {
          const run: Run = {
            url: `${endpoints.urls[target]}${requestCase.path}`,
            connections,
            scriptPath: scripts.get(requestCase) ?? '',
            loadCpus,
            proxyPids: endpoints.proxyPids[target],
          };
          if (options.warmupSeconds > 0) {
            await startWrk({
              wrkPath: tools.wrk,
              ...run,
              durationSeconds: options.warmupSeconds,
              cpus: loadCpus,
            }).result;
          }
          const sample = {
            requestCase: requestCase.name,
            target,
            round,
            ...(await measure(options, tools, run)),
          };
          samples.push(sample);
          done++;
          progress(
            `[${done}/${runsPerRound * options.rounds}] round ${round} ${requestCase.name} c=${connections} ${target}: ` +
              `${Math.round(sample.requestsPerSecond)} req/s, p50 ${(sample.p50Us / 1000).toFixed(3)} ms` +
              (sample.errors > 0 ? `, ${sample.errors} errors` : ''),
          );
        }
      }
    }
  }
  return samples;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const tools = findTools(options.pin);
  const where = placement(options.pin, options.connections);
  const folder = await mkdtemp(join(tmpdir(), 'sluice-bench-proxy-'));
  const started: BenchProcess[] = [];
  // Each stop() is idempotent, so the signal handler and the `finally` below may both call this.
  const stopAll = () => Promise.all(started.map((running) => running.stop()));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      progress(`${signal}: stopping`);
      // Killing the load and the servers makes whatever main() awaits fail, so its `finally` cleans up.
      interruption.abort();
      stopAllWrk();
      void stopAll();
    });
  }
  try {
    const loadBefore = loadAverage();
    if (loadavg()[0] > 0.5) {
      progress(`load average ${loadBefore}: other work is running, expect noisy results (see "cores busy")`);
    }
    const endpoints = await startAll(options, tools, where, folder, started);
    const perRun = options.durationSeconds + options.warmupSeconds;
    const total = perRun * requestCases.length * 2 * options.targets.length * options.rounds;
    progress(`all targets answer; about ${Math.ceil(total / 60)} min of load follows`);
    const residentMemory = () =>
      started.map((running) => `${running.name} ${running.rssMiB().toFixed(0)} MiB`).join(', ');
    const rssAtStart = residentMemory();
    const samples = await runRounds(options, tools, where, endpoints, folder);
    const header = [
      `# Proxy benchmark, ${new Date().toISOString()}`,
      '',
      `- command: \`${['npx node bench/proxy/run.ts', ...process.argv.slice(2)].join(' ')}\``,
      `- machine: ${availableParallelism()} cores, ${cpuModel()}, Linux ${release()}`,
      `- software: Node ${process.version}, ${toolVersion(tools.nginx, '-v')}, ${toolVersion(tools.wrk, '-v')}`,
      `- placement: ${where.description}`,
      `- runs: ${options.rounds} interleaved rounds; each run ${options.warmupSeconds} s warm-up + ` +
        `${options.durationSeconds} s measured; wrk -t1`,
      `- load average (1, 5, 15 min): ${loadBefore} before, ${loadAverage()} after`,
      `- resident memory at start: ${rssAtStart}; after the runs: ${residentMemory()}`,
    ];
    process.stdout.write(
      `${header.join('\n')}\n\n${renderReport(samples, {
        requestCases: requestCases.map((requestCase) => requestCase.name),
        targets: options.targets,
        connections: options.connections,
      })}\n`,
    );
  } finally {
    await stopAll();
    if (options.keep) progress(`kept ${folder}`);
    else await rm(folder, { recursive: true, force: true });
    if (options.cpuProfileDir) progress(`Sluice CPU profile written to ${options.cpuProfileDir}`);
  }
}

main().catch((error: unknown) => {
  if (interruption.signal.aborted) {
    process.exitCode = 130;
    return;
  }
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
