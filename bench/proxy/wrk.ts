// The load generator: wrk with a generated Lua script that sets the request and prints a machine-readable result.

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RequestCase } from './workload.ts';

const resultMarker = 'BENCH_RESULT ';
/** wrk gets this long beyond its own duration before it is killed. */
const overrunMs = 15_000;

/** The wrk processes now running, so an interrupted benchmark can kill them by pid. */
const runningWrk = new Set<number>();
process.once('exit', stopAllWrk);

export interface WrkResult {
  requests: number;
  requestsPerSecond: number;
  /** Latency percentiles in microseconds, as wrk's histogram records them. */
  p50Us: number;
  p99Us: number;
  /** Socket errors, timeouts and non-2xx/3xx answers together. */
  errors: number;
}

export interface WrkRun {
  wrkPath: string;
  url: string;
  connections: number;
  durationSeconds: number;
  scriptPath: string;
  cpus?: string;
}

/** Writes the Lua script for one request case and returns its path. */
export async function writeWrkScript(folder: string, requestCase: RequestCase): Promise<string> {
  const lines = [`wrk.method = ${luaString(requestCase.method)}`];
  if (requestCase.requestBody !== undefined) {
    lines.push(`wrk.body = ${luaString(requestCase.requestBody)}`);
    lines.push('wrk.headers["Content-Type"] = "application/json"');
  }
  lines.push(
    // wrk's percentile() answers microseconds; %.1f keeps LuaJIT from rejecting non-integers.
    'function done(summary, latency, requests)',
    '  local e = summary.errors',
    `  io.write(string.format('${resultMarker}{"requests":%.0f,"durationUs":%.0f,"p50Us":%.1f,"p99Us":%.1f,' ..`,
    `    '"errors":%.0f}\\n', summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),`,
    '    e.connect + e.read + e.write + e.status + e.timeout))',
    'end',
    '',
  );
  const path = join(folder, `${requestCase.name.toLowerCase()}.lua`);
  await writeFile(path, lines.join('\n'));
  return path;
}

export interface WrkProcess {
  pid: number;
  result: Promise<WrkResult>;
}

/** Starts one wrk run with a single thread (one thread keeps wrk's own CPU use small and on one core). */
export function startWrk(run: WrkRun): WrkProcess {
  const wrkArgs = [
    '-t1',
    `-c${run.connections}`,
    `-d${run.durationSeconds}s`,
    '--timeout',
    '5s',
    '-s',
    run.scriptPath,
    run.url,
  ];
  const [file, args] =
    run.cpus === undefined ? [run.wrkPath, wrkArgs] : ['taskset', ['-c', run.cpus, run.wrkPath, ...wrkArgs]];
  const timeout = run.durationSeconds * 1000 + overrunMs;
  let pid = 0;
  const result = new Promise<WrkResult>((resolve, reject) => {
    const child = execFile(file, args, { timeout, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`wrk failed against ${run.url}: ${error.message}\n${stderr}`));
        return;
      }
      try {
        resolve(parseWrkOutput(stdout));
      } catch (parseError) {
        reject(parseError);
      }
    });
    pid = child.pid ?? 0;
    runningWrk.add(pid);
    child.once('exit', () => runningWrk.delete(pid));
  });
  // An interrupted benchmark stops awaiting its run; the failure of the killed wrk must not then crash it.
  result.catch(() => undefined);
  return { pid, result };
}

export function stopAllWrk(): void {
  for (const pid of runningWrk) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export function parseWrkOutput(stdout: string): WrkResult {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(resultMarker));
  if (line === undefined) throw new Error(`wrk printed no result line:\n${stdout}`);
  const raw: unknown = JSON.parse(line.slice(resultMarker.length));
  const field = (name: string): number => {
    const value =
      typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[name] : undefined;
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new Error(`wrk result has no number "${name}": ${line}`);
    return value;
  };
  const durationUs = field('durationUs');
  return {
    requests: field('requests'),
    requestsPerSecond: durationUs > 0 ? (field('requests') * 1e6) / durationUs : 0,
    p50Us: field('p50Us'),
    p99Us: field('p99Us'),
    errors: field('errors'),
  };
}

function luaString(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
