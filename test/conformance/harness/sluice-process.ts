// Runs `sluice serve` as a child process for one conformance file: start, wait until ready, stop.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

const repositoryRoot = join(import.meta.dirname, '..', '..', '..');
const readyTimeoutMs = 30_000;
const stopGraceMs = 5_000;
const keptLogLines = 400;

export interface SluiceOptions {
  configDir: string;
  adminAddress: string;
  addressPool: string;
  /** Everything the process prints is appended here too. */
  logFile: string;
}

export class SluiceProcess {
  readonly #child: ChildProcess;
  readonly #log: WriteStream;
  readonly #recentLines: string[] = [];
  readonly #exited: Promise<unknown>;
  readonly #killOnExit = () => this.#child.kill('SIGKILL');

  private constructor(child: ChildProcess, log: WriteStream) {
    this.#child = child;
    this.#log = log;
    this.#exited = once(child, 'exit');
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => this.#record(chunk));
    }
    // A test runner that dies must not leave a gateway holding ports 80 and 443.
    process.once('exit', this.#killOnExit);
  }

  static async start(options: SluiceOptions): Promise<SluiceProcess> {
    const args = [
      join(repositoryRoot, 'src', 'cli', 'main.ts'),
      'serve',
      '--config',
      options.configDir,
      '--admin-address',
      options.adminAddress,
      '--address-pool',
      options.addressPool,
    ];
    const child = spawn(process.execPath, args, { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const sluice = new SluiceProcess(child, createWriteStream(options.logFile));
    try {
      await sluice.#waitUntilReady(options.adminAddress);
    } catch (error) {
      await sluice.stop();
      throw error;
    }
    return sluice;
  }

  /** The last lines sluice printed, for failure messages. */
  logTail(lines = 40): string {
    return this.#recentLines.slice(-lines).join('\n');
  }

  async stop(): Promise<void> {
    process.off('exit', this.#killOnExit);
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), stopGraceMs);
      await this.#exited;
      clearTimeout(timer);
    }
    await new Promise((resolve) => this.#log.end(resolve));
  }

  #record(chunk: string): void {
    this.#log.write(chunk);
    this.#recentLines.push(...chunk.split('\n').filter((line) => line !== ''));
    if (this.#recentLines.length > keptLogLines)
      this.#recentLines.splice(0, this.#recentLines.length - keptLogLines);
  }

  async #waitUntilReady(adminAddress: string): Promise<void> {
    const deadline = Date.now() + readyTimeoutMs;
    let lastProblem = 'no answer yet';
    while (Date.now() < deadline) {
      if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
        throw new Error(
          `sluice serve exited (${this.#child.exitCode ?? this.#child.signalCode}):\n${this.logTail()}`,
        );
      }
      try {
        const response = await fetch(`http://${adminAddress}/readyz`, { signal: AbortSignal.timeout(2_000) });
        await response.body?.cancel();
        if (response.status === 200) return;
        lastProblem = `/readyz answered ${response.status}`;
      } catch (error) {
        lastProblem = String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `sluice serve was not ready within ${readyTimeoutMs} ms (${lastProblem}):\n${this.logTail()}`,
    );
  }
}
