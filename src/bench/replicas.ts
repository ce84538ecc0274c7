// The simulated replicas behind the pool: a fleet in this process, or one `sluice sim` child process
// serving them all; either way one replica per 127.0.0.x address, all on one port, fresh for every run.

import { join } from 'node:path';
import { ScaledClock } from '../sim/clock.ts';
import { type Fleet, replicaSet, startFleet } from '../sim/fleet.ts';
import { findProfile, type ReplicaOptions, replicaDefaults } from '../sim/options.ts';
import type { Replica } from './manifests.ts';
import { BenchProcess, logField } from './processes.ts';

export type FleetMode = 'in-process' | 'process';

export interface FleetSetup {
  mode: FleetMode;
  count: number;
  /** The first replica's address; the others take the next ones. */
  firstAddress: string;
  port: number;
  profile: string;
  seed: number;
  timeScale: number;
  /** KV-cache size override (blocks); the profile's when undefined. */
  numGpuBlocks?: number;
  /** Adapters every replica has loaded, and how many fit on the GPU at once. */
  loras: readonly string[];
  maxLoras?: number;
  /** Folder for the child process's log. */
  folder: string;
}

export interface RunningFleet {
  replicas: (Replica & { url: string })[];
  /** The child's pid, or this process's for an in-process fleet. */
  pid: number;
  stop(): Promise<void>;
}

const startTimeoutMs = 30_000;

/** A smaller KV cache also caps the model length at what it holds, as vLLM insists. */
function maxModelLen(profileName: string, numGpuBlocks: number): number {
  const { limits } = findProfile(profileName);
  return Math.min(limits.maxModelLen, (numGpuBlocks - 1) * limits.blockSize);
}

function replicaOptions(setup: FleetSetup): ReplicaOptions[] {
  const limits = {
    ...(setup.numGpuBlocks !== undefined && {
      numGpuBlocks: setup.numGpuBlocks,
      maxModelLen: maxModelLen(setup.profile, setup.numGpuBlocks),
    }),
    ...(setup.maxLoras !== undefined && { maxLoras: setup.maxLoras }),
  };
  return replicaSet(
    {
      ...replicaDefaults,
      host: setup.firstAddress,
      port: setup.port,
      profile: setup.profile,
      seed: setup.seed,
      limits,
      enableLora: setup.loras.length > 0,
      loraModules: setup.loras.map((name) => ({ name, path: `/adapters/${name}` })),
    },
    setup.count,
    'address',
  );
}

/** The `sluice sim` flags that start the same replicas as `replicaOptions`. */
function simArguments(setup: FleetSetup): string[] {
  return [
    'sim',
    ...['--replicas', String(setup.count), '--spread', 'address', '--host', setup.firstAddress],
    ...['--port', String(setup.port), '--profile', setup.profile, '--seed', String(setup.seed)],
    ...['--time-scale', String(setup.timeScale)],
    ...(setup.numGpuBlocks === undefined
      ? []
      : [
          '--num-gpu-blocks',
          String(setup.numGpuBlocks),
          '--max-model-len',
          String(maxModelLen(setup.profile, setup.numGpuBlocks)),
        ]),
    ...(setup.maxLoras !== undefined ? ['--max-loras', String(setup.maxLoras)] : []),
    ...setup.loras.flatMap((name) => ['--lora-modules', `${name}=/adapters/${name}`]),
  ];
}

export async function startReplicas(setup: FleetSetup): Promise<RunningFleet> {
  const options = replicaOptions(setup);
  const replicas = options.map((replica) => ({
    pod: replica.pod,
    address: replica.host,
    url: `http://${replica.host}:${replica.port}`,
  }));
  if (setup.mode === 'in-process') {
    const fleet: Fleet = await startFleet(options, new ScaledClock(setup.timeScale));
    return { replicas, pid: process.pid, stop: () => fleet.close() };
  }
  const sim = await BenchProcess.startSluice('sluice sim', simArguments(setup), {
    logFile: join(setup.folder, 'sim.log'),
  });
  try {
    const listening = new Set<string>();
    await sim.waitForLine((line) => {
      const url = logField(line, 'simulated model server listening', 'url');
      if (url !== undefined) listening.add(url);
      return listening.size === replicas.length ? true : undefined;
    }, startTimeoutMs);
  } catch (error) {
    await sim.stop();
    throw error;
  }
  return { replicas, pid: sim.pid, stop: () => sim.stop() };
}
