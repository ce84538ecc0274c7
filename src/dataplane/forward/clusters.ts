// Upstream clusters compiled once per IR: each ready endpoint bound to its pool, picked round-robin.

import type { Dispatcher } from 'undici';
import { SluiceError } from '../../errors.ts';
import type { IRCluster } from '../../ir/types.ts';
import { RoundRobin } from './balancer.ts';
import { endpointOrigin, type PoolRegistry } from './pools.ts';

export interface UpstreamEndpoint {
  /** `http://address:port`, for error messages. */
  origin: string;
  dispatcher: Dispatcher;
}

export interface ClusterRuntime {
  id: string;
  endpoints: RoundRobin<UpstreamEndpoint>;
  /** Prepared 503 body for when the cluster has no ready endpoint. */
  unavailableBody: string;
}

/** Compiles the IR's clusters; every pool acquired is added to `inUse`. */
export function compileClusters(
  clusters: Record<string, IRCluster>,
  pools: PoolRegistry,
  inUse: Set<Dispatcher>,
): Map<string, ClusterRuntime> {
  const compiled = new Map<string, ClusterRuntime>();
  for (const [id, cluster] of Object.entries(clusters)) {
    const endpoints = cluster.endpoints.map(({ address, port }) => {
      const origin = endpointOrigin(address, port);
      const dispatcher = pools.acquire(cluster.protocol, origin);
      inUse.add(dispatcher);
      return { origin, dispatcher };
    });
    compiled.set(id, { id, endpoints: new RoundRobin(endpoints), unavailableBody: unavailableBody(id) });
  }
  return compiled;
}

/** A reference to a cluster the IR does not define is served like a cluster with no endpoints. */
export function missingCluster(id: string): ClusterRuntime {
  return { id, endpoints: new RoundRobin<UpstreamEndpoint>([]), unavailableBody: unavailableBody(id) };
}

function unavailableBody(cluster: string): string {
  return new SluiceError('no_healthy_endpoints', { cluster }).toBody();
}
