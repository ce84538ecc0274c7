// The processes a benchmark starts (`sluice serve`, `sluice sim`, nginx, helper servers) and what /proc says
// about them: output to a log file, waiting for a line or a 200, stopping by pid — SIGTERM, then SIGKILL —
// also when the benchmark exits abruptly, CPU time and memory. Shared by `sluice bench` and bench/ scripts.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, readdirSync, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SluiceError } from '../errors.ts';

const repositoryRoot = join(import.meta.dirname, '..', '..');
const stopGraceMs = 5_000;
const keptLines = 200;
// Linux reports utime/stime in clock ticks; USER_HZ is 100 on every architecture Node supports.
const clockTicksPerSecond = 100;

/** Every process started here and not yet stopped, so an abrupt exit can still kill it by pid. */
const running = new Set<BenchProcess>();
process.once('exit', () => {
  for (const started of running) started.killNow();
});

function failed(reason: string): SluiceError {
  return new SluiceError('bench_failed', { reason });
}

export interface StartOptions {
  /** `taskset -c` CPU list to pin the process (and its threads and children) to; unpinned when absent. */
  cpus?: string;
  /** Everything the process prints is appended to this file. */
  logFile: string;
  /** The checkout's root when absent. */
  cwd?: string;
}

export class BenchProcess {
  readonly name: string;
  readonly pid: number;
  readonly #child: ChildProcess;
  readonly #log: WriteStream;
  readonly #recentLines: string[] = [];
  readonly #lineListeners = new Set<(line: string) => void>();
  readonly #exited: Promise<unknown>;
  /** Processes this one forked (an nginx worker) that must die with it. */
  readonly #relatedPids: number[] = [];
  #partialLine = '';
  #stopped: Promise<void> | undefined;

  private constructor(name: string, child: ChildProcess, pid: number, log: WriteStream) {
    this.name = name;
    this.pid = pid;
    this.#child = child;
    this.#log = log;
    this.#exited = once(child, 'exit');
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => this.#record(chunk));
    }
  }

  static async start(
    name: string,
    command: string,
    args: readonly string[],
    options: StartOptions,
  ): Promise<BenchProcess> {
    const [file, argv] =
      options.cpus === undefined ? [command, args] : ['taskset', ['-c', options.cpus, command, ...args]];
    const child = spawn(file, argv, {
      cwd: options.cwd ?? repositoryRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // A failed exec is reported as an 'error' event before any pid exists.
    const spawnFailed = new Promise<never>((_, reject) => child.once('error', reject));
    await Promise.race([once(child, 'spawn'), spawnFailed]);
    if (child.pid === undefined) throw failed(`${name} did not start`);
    const started = new BenchProcess(
      name,
      child,
      child.pid,
      createWriteStream(options.logFile, { flags: 'a' }),
    );
    running.add(started);
    return started;
  }

  /** Runs `sluice <args>` from this checkout under the same Node, with `nodeArgs` given to Node itself. */
  static startSluice(
    name: string,
    args: readonly string[],
    options: StartOptions & { nodeArgs?: readonly string[] },
  ): Promise<BenchProcess> {
    const main = join(repositoryRoot, 'src', 'cli', 'main.ts');
    return BenchProcess.start(name, process.execPath, [...(options.nodeArgs ?? []), main, ...args], options);
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The first printed line `accept` maps to a value; rejects if the process exits or the time runs out. */
  waitForLine<T>(accept: (line: string) => T | undefined, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        this.#lineListeners.delete(listener);
        this.#child.off('exit', onExit);
        outcome();
      };
      const listener = (line: string) => {
        const value = accept(line);
        if (value !== undefined) finish(() => resolve(value));
      };
      const onExit = () => finish(() => reject(failed(`${this.name} exited:\n${this.logTail()}`)));
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(failed(`${this.name} did not get ready in ${timeoutMs} ms:\n${this.logTail()}`)),
          ),
        timeoutMs,
      );
      this.#lineListeners.add(listener);
      this.#child.once('exit', onExit);
      for (const line of this.#recentLines) listener(line);
    });
  }

  addRelatedPid(pid: number): void {
    this.#relatedPids.push(pid);
  }

  /** This process and its related ones. */
  get pids(): number[] {
    return [this.pid, ...this.#relatedPids];
  }

  /** Resident memory of this process and its related ones together, in MiB. */
  rssMiB(): number {
    let kib = 0;
    for (const pid of this.pids) kib += statusKiB(pid, 'VmRSS') ?? 0;
    return kib / 1024;
  }

  logTail(lines = 30): string {
    return this.#recentLines.slice(-lines).join('\n');
  }

  /**
   * SIGTERM, then SIGKILL after a grace period; related processes are killed if they outlive it. Calling it
   * again (a signal handler and a `finally` may both do so) waits for the same stop.
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    running.delete(this);
    if (this.alive) {
      process.kill(this.pid, 'SIGTERM');
      const timer = setTimeout(() => this.killNow(), stopGraceMs);
      await this.#exited;
      clearTimeout(timer);
    }
    for (const pid of this.#relatedPids) killIfAlive(pid);
    await new Promise((resolve) => this.#log.end(resolve));
  }

  /** Synchronous last resort, safe inside an 'exit' handler. */
  killNow(): void {
    for (const pid of this.pids) killIfAlive(pid);
  }

  #record(chunk: string): void {
    this.#log.write(chunk);
    const lines = (this.#partialLine + chunk).split('\n');
    this.#partialLine = lines.pop() ?? '';
    for (const line of lines) {
      this.#recentLines.push(line);
      for (const listener of this.#lineListeners) listener(line);
    }
    if (this.#recentLines.length > keptLines)
      this.#recentLines.splice(0, this.#recentLines.length - keptLines);
  }
}

/** Polls `url` until it answers 200; failing early if `owner` exits. */
export async function waitFor200(url: string, deadline: number, owner: BenchProcess): Promise<void> {
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (!owner.alive) throw failed(`${owner.name} exited while waiting for ${url}:\n${owner.logTail()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) return;
      lastProblem = `answered ${response.status}`;
    } catch (error) {
      lastProblem = String(error);
    }
    await sleep(100);
  }
  throw failed(`${url} did not answer 200 in time (${lastProblem}):\n${owner.logTail()}`);
}

/** The named field of a JSON log line whose `msg` is `message`. */
export function logField(line: string, message: string, field: string): string | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const entry: unknown = JSON.parse(line);
    if (typeof entry !== 'object' || entry === null) return undefined;
    const record = entry as Record<string, unknown>;
    const value = record[field];
    return record.msg === message && typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Processor time (user + system) used so far by one process, in seconds; null once it has exited. */
export function processCpuSeconds(pid: number): number | null {
  if (pid === process.pid) {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  }
  const stat = readProc(pid, 'stat');
  if (stat === '') return null;
  const fields = statFields(stat);
  // After the command name: state is field 3, utime field 14, stime field 15 (proc(5)).
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
}

/** Processor time (user + system) used so far by `pids` together, in seconds; exited pids count as 0. */
export function cpuSeconds(pids: readonly number[]): number {
  let seconds = 0;
  for (const pid of pids) seconds += processCpuSeconds(pid) ?? 0;
  return seconds;
}

export interface ProcessUsage {
  cpuSeconds: number;
  rssMiB: number;
  peakRssMiB: number;
}

/** CPU time so far and current and peak resident memory of a process; memory is NaN once it has exited. */
export function processUsage(pid: number): ProcessUsage {
  return {
    cpuSeconds: cpuSeconds([pid]),
    rssMiB: (statusKiB(pid, 'VmRSS') ?? Number.NaN) / 1024,
    peakRssMiB: (statusKiB(pid, 'VmHWM') ?? Number.NaN) / 1024,
  };
}

/** The pids whose parent is `parentPid`, read from /proc (this kernel has no /proc/PID/task/TID/children). */
export function childPids(parentPid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(Number(entry), 'stat');
    if (stat !== '' && statFields(stat)[1] === String(parentPid)) pids.push(Number(entry));
  }
  return pids;
}

/** A `… kB` figure of /proc/PID/status, or undefined when the process is gone. */
function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readProc(pid, 'status'));
  return match === null ? undefined : Number(match[1]);
}

/** The fields after `pid (comm)`, which may itself contain spaces and parentheses. */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function readProc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
