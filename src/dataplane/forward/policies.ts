// A route's forwarding policies, composed around the forwarder: session persistence stamps each try's
// response with the endpoint that answered it, and retry drives the tries. A route without policies
// forwards straight to the endpoint's pool.

import type { Exchange } from '../exchange.ts';
import type { ClusterRuntime, UpstreamEndpoint } from './clusters.ts';
import { RetryingRequest, type RetryPolicy } from './retry.ts';
import type { SessionPersistence } from './session.ts';
import { sendTry, singleTry } from './tries.ts';
import { type ForwardTimeouts, forward } from './upstream.ts';

export interface RoutePolicies {
  timeouts: ForwardTimeouts;
  retry: RetryPolicy | null;
  session: SessionPersistence<unknown> | null;
}

/**
 * Forwards the exchange to `endpoint`, one of `cluster`'s, under the route's policies. `resumed` is the
 * endpoint the request's session named, when it named one still in service.
 */
export function forwardWithPolicies(
  exchange: Exchange,
  route: RoutePolicies,
  cluster: ClusterRuntime,
  endpoint: UpstreamEndpoint,
  resumed: UpstreamEndpoint | undefined,
): void {
  const { timeouts, retry, session } = route;
  if (retry === null && session === null) {
    forward(exchange, endpoint, timeouts);
    return;
  }
  const send = session === null ? sendTry : session.stamping(resumed, exchange.scheme === 'https')(sendTry);
  // WebSocket upgrades and gRPC streams flow both ways at once: their bodies cannot wait for a replay.
  if (retry === null || exchange.upgrade !== null || exchange.grpc) {
    forward(exchange, singleTry(endpoint, send), timeouts);
    return;
  }
  // Retry bounds each try itself; the forwarder keeps the budget of the whole request.
  const retrying = new RetryingRequest(retry, cluster, endpoint, send);
  forward(exchange, { origin: endpoint.origin, dispatcher: retrying }, { ...timeouts, backendRequestMs: 0 });
}
