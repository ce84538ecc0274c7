// The life of one request, phase by phase: accept → select listener → read inference body → match route →
// rule filters → pick backend → backend filters → pick endpoint (an InferencePool's picker) → forward
// (respond and account happen in the exchange).
// HTTP/1.1, HTTP/2, gRPC calls and WebSocket upgrades all go through the same phases.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { SluiceError } from '../errors.ts';
import { type DownstreamRequest, type DownstreamResponse, Exchange } from './exchange.ts';
import { runFilters } from './filters/run.ts';
import { upstreamRequestHeaders } from './forward/headers.ts';
import { forwardWithPolicies } from './forward/policies.ts';
import { acceptUpgrade } from './forward/websocket.ts';
import { forwardToPool } from './inference/forward.ts';
import { isInferenceRequest, serveInference } from './inference/serve.ts';
import { selectListener } from './listeners/select.ts';
import { localReply } from './local-reply.ts';
import type { ListenerRuntime, PortRuntime } from './runtime.ts';

const noBackends = localReply(new SluiceError('no_backends'));

export function serveRequest(port: PortRuntime, req: DownstreamRequest, res: DownstreamResponse): void {
  // accept
  serve(port, new Exchange(port, port.unmatchedMeter, req, res));
}

/** An HTTP/1.1 `Upgrade: websocket` request: answered over its raw connection, or joined with the endpoint's. */
export function serveUpgrade(port: PortRuntime, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  // accept
  const upgrade = acceptUpgrade(req, socket, head);
  if (upgrade === null) return;
  const exchange = new Exchange(port, port.unmatchedMeter, req, upgrade.response);
  exchange.upgrade = upgrade;
  serve(port, exchange);
}

function serve(port: PortRuntime, exchange: Exchange): void {
  const { req } = exchange;
  // select listener
  const listener = selectListener(port, exchange.host, req.socket);
  if (listener === 'misdirected') {
    exchange.replyError(new SluiceError('misdirected_request', { host: exchange.host }));
    return;
  }
  if (listener === 'none') {
    exchange.replyError(notFound(exchange));
    return;
  }
  exchange.meter = listener.unmatchedMeter;

  // read inference body: its model is matched as the x-gateway-model-name header
  const { inference } = listener;
  if (inference !== null && isInferenceRequest(exchange)) {
    serveInference(exchange, inference, () => routeRequest(port, listener, exchange));
    return;
  }
  routeRequest(port, listener, exchange);
}

function routeRequest(port: PortRuntime, listener: ListenerRuntime, exchange: Exchange): void {
  const { req } = exchange;
  // match route
  const route = listener.routes.lookup(exchange.host, exchange);
  if (route === undefined) {
    exchange.replyError(notFound(exchange));
    return;
  }
  exchange.meter = route.meter;
  if (route.grpc) exchange.grpc = true;

  // rule filters
  exchange.upstreamHeaders = upstreamRequestHeaders(
    exchange.rawHeaders,
    req.socket.remoteAddress ?? '',
    port.scheme,
  );
  if (!runFilters(exchange, route.filters)) return;

  // pick backend (a session the request carries wins over the weights), then its filters
  const session = route.session?.resume(exchange);
  const backend = session?.backend ?? route.backends.pick();
  if (backend === undefined) {
    exchange.replyLocal(noBackends);
    return;
  }
  if (!runFilters(exchange, backend.filters)) return;
  const { target } = backend;
  if (target.kind === 'reply') {
    exchange.replyLocal(target.reply);
    return;
  }
  if (target.kind === 'pool') {
    forwardToPool(exchange, target.pool, route.timeouts);
    return;
  }

  // pick endpoint
  const endpoint = session?.endpoint ?? target.cluster.endpoints.next();
  if (endpoint === undefined) {
    exchange.replyLocal(target.cluster.unavailable);
    return;
  }

  // forward, under the route's policies (session persistence, retry)
  forwardWithPolicies(exchange, route, target.cluster, endpoint, session?.endpoint);
}

function notFound(exchange: Exchange): SluiceError {
  if (exchange.inference !== null)
    return new SluiceError('model_not_found', {
      model: exchange.inference.model,
      host: exchange.host,
      path: exchange.path,
    });
  return new SluiceError('route_not_found', {
    method: exchange.method,
    host: exchange.host,
    path: exchange.path,
  });
}
