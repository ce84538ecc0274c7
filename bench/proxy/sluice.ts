// Sluice for the proxy benchmark: one plain HTTPRoute to the upstream, then `sluice serve` until it routes.

import { type BenchProcess, waitFor200 } from '../../src/bench/processes.ts';
import { benchManifests, startSluice } from '../streaming/sluice-under-test.ts';

const readyTimeoutMs = 60_000;

export interface SluiceOptions {
  /** A fresh folder for the manifests and the log. */
  folder: string;
  listenerPort: number;
  upstreamPort: number;
  cpus?: string;
  /** Extra flags for the node running Sluice, for example `--cpu-prof`. */
  nodeArgs?: string[];
}

/** Starts `sluice serve` on the generated manifests and returns once `/readyz` and the route both answer 200. */
export async function startRoutingSluice(options: SluiceOptions): Promise<BenchProcess> {
  const manifests = benchManifests({
    listenerPort: options.listenerPort,
    backendPort: options.upstreamPort,
    routeKind: 'HTTPRoute',
  });
  const deadline = Date.now() + readyTimeoutMs;
  const sluice = await startSluice(options.folder, manifests, {
    cpus: options.cpus,
    nodeArgs: options.nodeArgs,
    readyTimeoutMs,
  });
  try {
    await waitFor200(`http://127.0.0.1:${options.listenerPort}/`, deadline, sluice);
    return sluice;
  } catch (error) {
    await sluice.stop();
    throw error;
  }
}
