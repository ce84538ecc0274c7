// The serving state of one socket, compiled from its IRPort once per IR: listeners by hostname, their
// route tables, filters, backends and metric series. Requests keep the state they started with.

import { SluiceError } from '../errors.ts';
import type { IRBackend, IRBackendTarget, IRMatch, IRPort, IRRoute } from '../ir/types.ts';
import { RouteMeter } from '../observability/metrics.ts';
import type { ExchangeOrigin } from './exchange.ts';
import { type CompiledFilter, compileFilters } from './filters/compile.ts';
import { WeightedPicker } from './forward/balancer.ts';
import { type ClusterRuntime, missingCluster } from './forward/clusters.ts';
import type { RoutePolicies } from './forward/policies.ts';
import { compileRetry } from './forward/retry.ts';
import { SessionPersistence } from './forward/session.ts';
import { HostnameIndex } from './hostname.ts';
import { compileListenerInference, type ListenerInference } from './inference/listener.ts';
import type { PoolRuntime } from './inference/pools.ts';
import { compilePortTls, type PortTls, type SecureContextCache } from './listeners/tls.ts';
import { type LocalReply, localReply } from './local-reply.ts';
import { type CompiledMatch, compileMatch } from './router/match.ts';
import { RouteTable } from './router/table.ts';

export interface PortRuntime extends ExchangeOrigin {
  address: string;
  protocol: IRPort['protocol'];
  gateway: string;
  listeners: HostnameIndex<ListenerRuntime>;
  /** Series for requests whose Host selects no listener. */
  unmatchedMeter: RouteMeter;
  /** Null on plain HTTP sockets. */
  tls: PortTls | null;
}

export interface ListenerRuntime {
  id: string;
  routes: RouteTable<RouteRuntime>;
  /** Series for requests no route of this listener matches. */
  unmatchedMeter: RouteMeter;
  /** Set when routes send to InferencePools or match the model name: inference requests are read first. */
  inference: ListenerInference | null;
}

export interface RouteRuntime extends RoutePolicies {
  id: string;
  match: CompiledMatch;
  filters: CompiledFilter[];
  /** Undefined pick: the rule has no backend with a positive weight (500). */
  backends: WeightedPicker<BackendRuntime>;
  /** Sends requests that carry a session back to their endpoint, over the weights. */
  session: SessionPersistence<BackendRuntime> | null;
  meter: RouteMeter;
  /** A GRPCRoute entry: every request it serves gets the gateway's errors as gRPC statuses. */
  grpc: boolean;
}

export interface BackendRuntime {
  filters: CompiledFilter[];
  target:
    | { kind: 'cluster'; cluster: ClusterRuntime }
    | { kind: 'pool'; pool: PoolRuntime }
    | { kind: 'reply'; reply: LocalReply };
}

export interface CompiledPort {
  /** Null: the socket cannot serve at all (an HTTPS port without one usable certificate). */
  runtime: PortRuntime | null;
  /** Problems that leave the socket serving with less than the IR asked (e.g. a bad certificate). */
  problems: string[];
}

/** Label used for requests that matched no listener or no route. */
const unmatched = 'none';

export function compilePort(
  port: IRPort,
  clusters: ReadonlyMap<string, ClusterRuntime>,
  contexts: SecureContextCache,
  pools: ReadonlyMap<string, PoolRuntime>,
): CompiledPort {
  const { tls, problems } =
    port.protocol === 'HTTPS' ? compilePortTls(port.listeners, contexts) : { tls: null, problems: [] };
  if (port.protocol === 'HTTPS' && tls === null) return { runtime: null, problems };
  const listeners = port.listeners.map((listener) => {
    const compiled: ListenerRuntime = {
      id: listener.id,
      routes: new RouteTable(
        listener.routes.map((route) => ({
          hostnames: route.hostnames,
          route: compileRoute(route, port.gateway, listener.id, clusters, pools),
        })),
      ),
      unmatchedMeter: RouteMeter.for(port.gateway, listener.id, unmatched),
      inference: compileListenerInference(listener.routes, pools, port.baseModels),
    };
    return [listener.hostname, compiled] as const;
  });
  const runtime: PortRuntime = {
    address: port.address,
    port: port.port,
    protocol: port.protocol,
    scheme: port.protocol === 'HTTPS' ? 'https' : 'http',
    gateway: port.gateway,
    listeners: new HostnameIndex(listeners),
    unmatchedMeter: RouteMeter.for(port.gateway, unmatched, unmatched),
    tls,
  };
  return { runtime, problems };
}

function compileRoute(
  route: IRRoute,
  gateway: string,
  listener: string,
  clusters: ReadonlyMap<string, ClusterRuntime>,
  pools: ReadonlyMap<string, PoolRuntime>,
): RouteRuntime {
  const backends = route.backends.map((backend) => ({
    weight: backend.weight,
    value: compileBackend(backend, route.match, clusters, pools),
  }));
  const backendRequestMs = route.timeouts?.backendRequestMs ?? 0;
  return {
    id: route.id,
    match: compileMatch(route.match),
    filters: compileFilters(route.filters, route.match, clusters),
    backends: new WeightedPicker(backends),
    session:
      route.sessionPersistence === undefined
        ? null
        : new SessionPersistence(route.sessionPersistence, backends, clusterOf),
    timeouts: { requestMs: route.timeouts?.requestMs ?? 0, backendRequestMs },
    retry: route.retry === undefined ? null : compileRetry(route.retry, backendRequestMs),
    meter: RouteMeter.for(gateway, listener, route.id),
    grpc: route.kind === 'grpc',
  };
}

function clusterOf(backend: BackendRuntime): ClusterRuntime | undefined {
  return backend.target.kind === 'cluster' ? backend.target.cluster : undefined;
}

function compileBackend(
  backend: IRBackend,
  match: IRMatch,
  clusters: ReadonlyMap<string, ClusterRuntime>,
  pools: ReadonlyMap<string, PoolRuntime>,
): BackendRuntime {
  return {
    filters: compileFilters(backend.filters, match, clusters),
    target: compileTarget(backend.target, clusters, pools),
  };
}

function compileTarget(
  target: IRBackendTarget,
  clusters: ReadonlyMap<string, ClusterRuntime>,
  pools: ReadonlyMap<string, PoolRuntime>,
): BackendRuntime['target'] {
  switch (target.kind) {
    case 'cluster':
      return { kind: 'cluster', cluster: clusters.get(target.cluster) ?? missingCluster(target.cluster) };
    case 'pool': {
      const pool = pools.get(target.pool);
      if (pool !== undefined) return { kind: 'pool', pool };
      // A pool the IR does not define is served like a pool without endpoints.
      const error = new SluiceError('pool_no_endpoints', {
        pool: target.pool,
        detail: ' (it is not configured)',
      });
      return { kind: 'reply', reply: localReply(error) };
    }
    case 'invalid':
      return {
        kind: 'reply',
        reply: localReply(new SluiceError('backend_invalid', { reason: target.reason }), target.status),
      };
  }
}
