// Processor time a process has used, so each run can say how busy the gateway, the replicas and the load
// generator were — on a small shared machine that decides whether the figures can be trusted.

import { processCpuSeconds } from './processes.ts';

/** Processor seconds of named processes at one moment. */
export type CpuSnapshot<Name extends string> = Record<Name, number | null>;

export function cpuSnapshot<Name extends string>(pids: Record<Name, number>): CpuSnapshot<Name> {
  const snapshot = {} as CpuSnapshot<Name>;
  for (const name of Object.keys(pids) as Name[]) snapshot[name] = processCpuSeconds(pids[name]);
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
