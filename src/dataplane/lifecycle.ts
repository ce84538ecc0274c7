// The life of one request, phase by phase: accept → select listener → match route → rule filters →
// pick backend → backend filters → pick endpoint → forward (respond and account happen in the exchange).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { SluiceError } from '../errors.ts';
import { Exchange } from './exchange.ts';
import { runFilters } from './filters/run.ts';
import { upstreamRequestHeaders } from './forward/headers.ts';
import { forward } from './forward/upstream.ts';
import { selectListener, serverName } from './listeners/select.ts';
import type { PortRuntime } from './runtime.ts';

const noBackendsBody = new SluiceError('no_backends').toBody();

export function serveRequest(port: PortRuntime, req: IncomingMessage, res: ServerResponse): void {
  // accept
  const exchange = new Exchange(port, port.unmatchedMeter, req, res);

  // select listener
  const listener = selectListener(port, exchange.host, port.tls === null ? null : serverName(req.socket));
  if (listener === 'misdirected') {
    exchange.replyError(new SluiceError('misdirected_request', { host: exchange.host }));
    return;
  }
  if (listener === 'none') {
    exchange.replyError(notFound(exchange));
    return;
  }
  exchange.meter = listener.unmatchedMeter;

  // match route
  const route = listener.routes.lookup(exchange.host, exchange);
  if (route === undefined) {
    exchange.replyError(notFound(exchange));
    return;
  }
  exchange.meter = route.meter;

  // rule filters
  exchange.upstreamHeaders = upstreamRequestHeaders(
    req.rawHeaders,
    req.socket.remoteAddress ?? '',
    port.scheme,
  );
  if (!runFilters(exchange, route.filters)) return;

  // pick backend, then its filters
  const backend = route.backends.pick();
  if (backend === undefined) {
    exchange.replyLocal(500, noBackendsBody);
    return;
  }
  if (!runFilters(exchange, backend.filters)) return;
  const { target } = backend;
  if (target.kind === 'reply') {
    exchange.replyLocal(target.status, target.body);
    return;
  }

  // pick endpoint
  const endpoint = target.cluster.endpoints.next();
  if (endpoint === undefined) {
    exchange.replyLocal(503, target.cluster.unavailableBody);
    return;
  }

  // forward
  forward(exchange, endpoint, route.timeouts);
}

function notFound(exchange: Exchange): SluiceError {
  return new SluiceError('route_not_found', {
    method: exchange.method,
    host: exchange.host,
    path: exchange.path,
  });
}
