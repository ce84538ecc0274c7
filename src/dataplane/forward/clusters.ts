// Upstream clusters compiled once per IR: each ready endpoint bound to its pool, picked round-robin.

import type { Dispatcher } from 'undici';
import { SluiceError } from '../../errors.ts';
import type { IRCluster } from '../../ir/types.ts';
import { type LocalReply, localReply } from '../local-reply.ts';
import { RoundRobin } from './balancer.ts';
import type { PoolRegistry } from './pools.ts';

export interface UpstreamEndpoint {
  /** `http://address:port` (`https://` for TLS clusters): names the endpoint in messages and sessions. */
  origin: string;
  dispatcher: Dispatcher;
}

export interface ClusterRuntime {
  id: string;
  endpoints: RoundRobin<UpstreamEndpoint>;
  /** Prepared 503 answer for when the cluster has no ready endpoint. */
  unavailable: LocalReply;
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
      const endpoint = pools.acquire({ protocol: cluster.protocol, address, port, tls: cluster.tls });
      inUse.add(endpoint.dispatcher);
      return endpoint;
    });
    compiled.set(id, { id, endpoints: new RoundRobin(endpoints), unavailable: unavailable(id) });
  }
  return compiled;
}

/** A reference to a cluster the IR does not define is served like a cluster with no endpoints. */
export function missingCluster(id: string): ClusterRuntime {
  return { id, endpoints: new RoundRobin<UpstreamEndpoint>([]), unavailable: unavailable(id) };
}

function unavailable(cluster: string): LocalReply {
  return localReply(new SluiceError('no_healthy_endpoints', { cluster }));
}
