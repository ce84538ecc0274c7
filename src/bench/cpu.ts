// Processor time a process has used, so each run can say how busy the gateway, the replicas and the load
// generator were — on a small shared machine that decides whether the figures can be trusted.

import { readFileSync } from 'node:fs';

// Linux reports utime and stime in clock ticks; USER_HZ is 100 on every architecture Node supports.
const ticksPerSecond = 100;

/** User + system seconds used so far by `pid` (this process's own from Node); null where /proc cannot tell. */
function cpuSeconds(pid: number): number | null {
  if (pid === process.pid) {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) ": state is field 3, utime field 14 and stime field 15 (proc(5)); comm may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return null;
  }
}

/** Processor seconds of named processes at one moment. */
export type CpuSnapshot<Name extends string> = Record<Name, number | null>;

export function cpuSnapshot<Name extends string>(pids: Record<Name, number>): CpuSnapshot<Name> {
  const snapshot = {} as CpuSnapshot<Name>;
  for (const name of Object.keys(pids) as Name[]) snapshot[name] = cpuSeconds(pids[name]);
  return snapshot;
}

/** Seconds each process used between two snapshots (null where either is unknown). */
export function cpuUsed<Name extends string>(
  before: CpuSnapshot<Name>,
  after: CpuSnapshot<Name>,
): CpuSnapshot<Name> {
  const used = {} as CpuSnapshot<Name>;
  for (const name of Object.keys(before) as Name[]) {
    const start = before[name];
    const end = after[name];
    used[name] = start === null || end === null ? null : end - start;
  }
  return used;
}
