// The machine the proxy benchmark runs on: per-core busy time, CPU pinning, and finding its tools.

import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

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
