// Child processes the benchmark starts (`sluice serve`, `sluice sim`): output to a log file, waiting for a
// log line, and stopping by pid — SIGTERM, then SIGKILL — including when the benchmark exits abruptly.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { SluiceError } from '../errors.ts';

const repositoryRoot = join(import.meta.dirname, '..', '..');
const stopGraceMs = 5_000;
const keptLines = 100;

/** Started and not yet stopped, so that an abrupt exit still kills them by pid. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.pid !== undefined) killQuietly(child.pid);
});

function failed(reason: string): SluiceError {
  return new SluiceError('bench_failed', { reason });
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export class SluiceProcess {
  readonly name: string;
  readonly pid: number;
  readonly #child: ChildProcess;
  readonly #log: WriteStream;
  readonly #exited: Promise<unknown>;
  readonly #lines: string[] = [];
  readonly #listeners = new Set<(line: string) => void>();
  #partial = '';
  #stopping: Promise<void> | undefined;

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

  /** Runs `sluice <args>` from this checkout under the same Node, its output appended to `logFile`. */
  static async start(name: string, args: string[], logFile: string): Promise<SluiceProcess> {
    const child = spawn(process.execPath, [join(repositoryRoot, 'src', 'cli', 'main.ts'), ...args], {
      cwd: repositoryRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    if (child.pid === undefined) throw new Error(`${name} did not start`);
    running.add(child);
    return new SluiceProcess(name, child, child.pid, createWriteStream(logFile, { flags: 'a' }));
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The first output line `accept` maps to a value; rejects if the process exits or the time runs out. */
  waitForLine<T>(accept: (line: string) => T | undefined, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
        this.#child.off('exit', onExit);
        settle();
      };
      const listener = (line: string) => {
        const value = accept(line);
        if (value !== undefined) done(() => resolve(value));
      };
      const onExit = () => done(() => reject(failed(`${this.name} exited:\n${this.logTail()}`)));
      const timer = setTimeout(
        () =>
          done(() => reject(failed(`${this.name} did not get ready in ${timeoutMs} ms:\n${this.logTail()}`))),
        timeoutMs,
      );
      this.#listeners.add(listener);
      this.#child.once('exit', onExit);
      for (const line of this.#lines) listener(line);
    });
  }

  logTail(lines = 20): string {
    return this.#lines.slice(-lines).join('\n');
  }

  /** SIGTERM, SIGKILL after a grace period; calling it again waits for the same stop. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.alive) {
        process.kill(this.pid, 'SIGTERM');
        const timer = setTimeout(() => killQuietly(this.pid), stopGraceMs);
        await this.#exited;
        clearTimeout(timer);
      }
      running.delete(this.#child);
      await new Promise((resolve) => this.#log.end(resolve));
    })();
    return this.#stopping;
  }

  #record(chunk: string): void {
    this.#log.write(chunk);
    const lines = (this.#partial + chunk).split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) {
      this.#lines.push(line);
      for (const listener of this.#listeners) listener(line);
    }
    if (this.#lines.length > keptLines) this.#lines.splice(0, this.#lines.length - keptLines);
  }
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
