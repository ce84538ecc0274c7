// Many simulated replicas in one process: `--replicas N` spread over addresses or ports, or a fleet file.
//
// Every replica has its own engine, registry and listener; they share the process, the tokenizer and
// one clock. Spreading over 127.0.0.x keeps the same port on every replica, as pods would have.

import { isIP } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { SluiceError } from '../errors.ts';
import type { Clock } from './clock.ts';
import { type ReplicaOptions, replicaFields } from './options.ts';
import { type Replica, startReplica } from './replica.ts';

export type Spread = 'address' | 'port';

export interface Fleet {
  replicas: Replica[];
  close(): Promise<void>;
}

function invalid(reason: string): SluiceError {
  return new SluiceError('sim_invalid_config', { reason });
}

/** The IPv4 address `offset` after `host` (127.0.0.1 + 2 = 127.0.0.3). */
function nextAddress(host: string, offset: number): string {
  if (isIP(host) !== 4) throw invalid(`--spread address needs an IPv4 --host, not ${host}`);
  const value = host.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0) + offset;
  if (value > 0xffffffff) throw invalid(`not enough addresses after ${host} for ${offset + 1} replicas`);
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Fills in what differs per replica: pod name (unless set), seed, and the address or port. */
function nth(base: ReplicaOptions, index: number, spread: Spread | undefined): ReplicaOptions {
  const replica = { ...base, pod: base.pod || `sluice-sim-${index}`, seed: base.seed + index };
  if (spread === 'address') replica.host = nextAddress(base.host, index);
  if (spread === 'port' && base.port !== 0) replica.port = base.port + index;
  if (replica.port > 65535) throw invalid(`port ${replica.port} of replica ${index} is out of range`);
  return replica;
}

export function replicaSet(base: ReplicaOptions, count: number, spread: Spread): ReplicaOptions[] {
  return Array.from({ length: count }, (_, index) => nth(base, index, count > 1 ? spread : undefined));
}

/**
 * A fleet file (YAML): `defaults` (replica options for all) and `replicas` (a list of options per
 * replica). Option names are the camelCase forms of the command-line flags.
 */
export function parseFleetFile(source: string, base: ReplicaOptions, where: string): ReplicaOptions[] {
  const document: unknown = parseYaml(source);
  if (typeof document !== 'object' || document === null) throw invalid(`${where}: expected a mapping`);
  const { defaults = {}, replicas, ...rest } = document as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0)
    throw invalid(`${where}: unknown field ${unknown[0]} (expected defaults, replicas)`);
  if (!Array.isArray(replicas) || replicas.length === 0)
    throw invalid(`${where}: replicas must be a non-empty list`);
  if (typeof defaults !== 'object' || defaults === null)
    throw invalid(`${where}: defaults must be a mapping`);
  const shared = { ...base, ...replicaFields(defaults as Record<string, unknown>, `${where} defaults`) };
  return replicas.map((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null)
      throw invalid(`${where}: replicas[${index}] must be a mapping`);
    const own = replicaFields(entry as Record<string, unknown>, `${where} replicas[${index}]`);
    return nth({ ...shared, ...own, limits: { ...shared.limits, ...own.limits } }, index, undefined);
  });
}

export async function startFleet(replicas: readonly ReplicaOptions[], clock: Clock): Promise<Fleet> {
  const started: Replica[] = [];
  const close = async () => {
    await Promise.all(started.map((replica) => replica.close()));
  };
  try {
    for (const options of replicas) {
      started.push(
        await startReplica(options, clock).catch((error: unknown) => {
          if (!(error instanceof SluiceError) || error.code !== 'sim_invalid_config') throw error;
          throw invalid(`replica ${options.pod}: ${error.params.reason}`);
        }),
      );
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { replicas: started, close };
}
