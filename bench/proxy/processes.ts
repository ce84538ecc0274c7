// The long-running processes a benchmark starts: optional CPU pinning, log capture, stop by pid, CPU time.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  accessSync,
  constants,
  createWriteStream,
  readdirSync,
  readFileSync,
  type WriteStream,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const stopGraceMs = 5_000;
const keptLines = 200;
// Linux reports utime/stime in clock ticks; USER_HZ is 100 on every architecture Node supports.
const clockTicksPerSecond = 100;

/** Every process started here and not yet stopped, so an abrupt exit can still kill it by pid. */
const running = new Set<BenchProcess>();
process.once('exit', () => {
  for (const started of running) started.killNow();
});

export interface StartOptions {
  /** `taskset -c` CPU list to pin the process (and its threads and children) to; unpinned when absent. */
  cpus?: string;
  /** Everything the process prints is appended to this file. */
  logFile: string;
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

  private constructor(name: string, child: ChildProcess, log: WriteStream) {
    if (child.pid === undefined) throw new Error(`${name} did not start`);
    this.name = name;
    this.pid = child.pid;
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
    args: string[],
    options: StartOptions,
  ): Promise<BenchProcess> {
    const [file, argv] =
      options.cpus === undefined ? [command, args] : ['taskset', ['-c', options.cpus, command, ...args]];
    const child = spawn(file, argv, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    // A failed exec is reported as an 'error' event before any pid exists.
    const failed = new Promise<never>((_, reject) => child.once('error', reject));
    const spawned = once(child, 'spawn');
    await Promise.race([spawned, failed]);
    const started = new BenchProcess(name, child, createWriteStream(options.logFile));
    running.add(started);
    return started;
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Resolves with the first printed line that `accept` maps to a value; rejects if the process exits first. */
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
      const onExit = () => finish(() => reject(new Error(`${this.name} exited early:\n${this.logTail()}`)));
      const timer = setTimeout(
        () => finish(() => reject(new Error(`${this.name}: expected output not seen in ${timeoutMs} ms`))),
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
    for (const pid of this.pids)
      kib += Number(/^VmRSS:\s+(\d+) kB$/m.exec(readProc(pid, 'status'))?.[1] ?? 0);
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
    if (!owner.alive) throw new Error(`${owner.name} exited while waiting for ${url}:\n${owner.logTail()}`);
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
  throw new Error(`${url} did not answer 200 in time (${lastProblem}):\n${owner.logTail()}`);
}

/**
 * Busy and total time of each core so far, in clock ticks, from /proc/stat. Unlike per-process CPU time this
 * includes interrupt and softirq work (loopback TCP delivery) and other people's processes, so it shows
 * whether a core was saturated.
 */
export function coreTicks(): { busy: number; total: number }[] {
  const cores: { busy: number; total: number }[] = [];
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const match = /^cpu(\d+) (.*)$/.exec(line);
    if (!match) continue;
    // user nice system idle iowait irq softirq steal …
    const ticks = match[2].trim().split(/\s+/).map(Number);
    const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
    cores[Number(match[1])] = { busy: total - ticks[3] - ticks[4], total };
  }
  return cores;
}

/** Moves every thread of `pids` onto `cpus` (a `taskset -c` list). */
export function setAffinity(pids: readonly number[], cpus: string): void {
  for (const pid of pids) {
    const result = spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { encoding: 'utf8' });
    if (result.status !== 0)
      throw new Error(`taskset could not move pid ${pid} to CPU ${cpus}: ${result.stderr}`);
  }
}

/** The pids whose parent is `parentPid`, read from /proc (this kernel has no /proc/PID/task/TID/children). */
export function childPids(parentPid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirProc()) {
    const stat = readProc(entry, 'stat');
    if (stat !== '' && statFields(stat)[1] === String(parentPid)) pids.push(entry);
  }
  return pids;
}

/** The absolute path of an executable found on PATH or in the sbin folders, or undefined. */
export function findExecutable(name: string): string | undefined {
  const folders = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const folder of folders) {
    if (folder === '') continue;
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** Processor time (user + system) used so far by `pids` together, in seconds; exited pids count as 0. */
export function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) ticks += cpuTicks(pid);
  return ticks / clockTicksPerSecond;
}

function cpuTicks(pid: number): number {
  const stat = readProc(pid, 'stat');
  if (stat === '') return 0;
  const fields = statFields(stat);
  // After the command name: state is field 3, utime field 14, stime field 15 (proc(5)).
  return Number(fields[11]) + Number(fields[12]);
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

function readdirProc(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
