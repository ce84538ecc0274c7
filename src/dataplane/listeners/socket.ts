// One bound socket (address:port) and its node:http or node:https server, with HTTP/2 beside HTTP/1.1
// on it. The serving state is a reference swapped on apply: new requests see the new state, requests
// in flight keep theirs. Client connections with nothing in flight close after the client idle timeout.

import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { SecureContext, TLSSocket } from 'node:tls';
import type { log } from '../../observability/log.ts';
import type { DownstreamRequest, DownstreamResponse } from '../exchange.ts';
import { isWebSocketUpgrade } from '../forward/websocket.ts';
import { serveRequest, serveUpgrade } from '../lifecycle.ts';
import type { PortRuntime } from '../runtime.ts';
import { alpnProtocols, Http2Sessions } from './http2.ts';
import {
  admitClientCertificate,
  certificateKey,
  clientCertificateServerOptions,
  serverContextOptions,
} from './tls.ts';

/** How often idle keep-alive connections are swept while a closing socket drains. */
const drainSweepMs = 100;

/**
 * How long a client connection may stay open with no request in flight, unless `sluice serve
 * --client-idle-timeout` says otherwise: Envoy's connection idle timeout, so that clients and load
 * balancers tuned for Envoy-based gateways see the same behaviour (node's own default is 5 s).
 */
export const defaultClientIdleTimeoutMs = 3_600_000;

export function socketKey(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export class BoundSocket {
  readonly key: string;
  readonly protocol: PortRuntime['protocol'];
  /** Clients are asked for certificates (frontend mTLS): fixed for the server's lifetime. */
  readonly requestCert: boolean;
  readonly #server: http.Server | https.Server;
  readonly #http2: Http2Sessions;
  /** Client connections handed over to WebSockets: node's server no longer tracks them. */
  readonly #upgraded = new Set<Duplex>();
  readonly #log: typeof log;
  #runtime: PortRuntime;
  /** Identity of the certificates the server hands to clients without SNI. */
  #fallbackKey: string | null = null;
  #draining = false;

  /** `clientIdleTimeoutMs`: how long a client connection may wait for its next request (0: for ever). */
  constructor(runtime: PortRuntime, logger: typeof log, clientIdleTimeoutMs: number) {
    this.key = socketKey(runtime.address, runtime.port);
    this.protocol = runtime.protocol;
    this.requestCert = runtime.tls?.requestCert ?? false;
    this.#runtime = runtime;
    this.#log = logger;
    const onRequest = (req: DownstreamRequest, res: DownstreamResponse) => {
      // A draining socket still answers requests on open connections, then closes them (HTTP/2
      // sessions got a GOAWAY instead).
      if (this.#draining && res instanceof http.ServerResponse) res.shouldKeepAlive = false;
      serveRequest(this.#runtime, req, res);
    };
    // Other upgrades (`h2c` from HTTP/1.1) are served as plain requests.
    const shouldUpgradeCallback = isWebSocketUpgrade;
    this.#server =
      runtime.tls === null
        ? http.createServer({ shouldUpgradeCallback }, onRequest)
        : https.createServer(
            {
              SNICallback: (name: string, done: (error: Error | null, context?: SecureContext) => void) =>
                done(null, this.#runtime.tls?.contexts.select(name.toLowerCase())),
              ALPNProtocols: alpnProtocols,
              shouldUpgradeCallback,
              ...clientCertificateServerOptions(runtime.tls),
            },
            onRequest,
          );
    // Node counts it from the end of a response; 0 keeps idle connections open.
    this.#server.keepAliveTimeout = clientIdleTimeoutMs;
    this.#http2 = new Http2Sessions(onRequest, clientIdleTimeoutMs);
    this.#http2.attach(this.#server, runtime.tls !== null);
    // Ahead of HTTP/1.1 and HTTP/2: a connection that fails client validation is closed before either reads it.
    if (this.requestCert)
      this.#server.prependListener('secureConnection', (socket: TLSSocket) =>
        admitClientCertificate(this.#runtime.tls, socket),
      );
    this.#server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      this.#upgraded.add(socket);
      socket.once('close', () => this.#upgraded.delete(socket));
      serveUpgrade(this.#runtime, req, socket, head);
    });
    this.#applyFallbackCertificate();
    // `Expect: 100-continue` requests come here too: the data plane sends 100 only when it forwards.
    this.#server.on('checkContinue', onRequest);
  }

  /** Binds the socket; rejects with the bind error (EADDRINUSE, EADDRNOTAVAIL, …). */
  async listen(): Promise<void> {
    const { address, port } = this.#runtime;
    const listening = once(this.#server, 'listening');
    // IPv6 sockets stay IPv6-only so that `::` and `0.0.0.0` on one port are two distinct sockets.
    this.#server.listen({ host: address, port, ipv6Only: address.includes(':') });
    await listening;
    this.#server.on('error', (error: Error) =>
      this.#log.error('data plane socket error', { socket: this.key, error: error.message }),
    );
  }

  /** Whether `runtime` can be swapped in by `update`; otherwise the socket must be bound anew. */
  canServe(runtime: PortRuntime): boolean {
    return runtime.protocol === this.protocol && (runtime.tls?.requestCert ?? false) === this.requestCert;
  }

  /** Swaps in the state of a new IR for this socket's next requests. */
  update(runtime: PortRuntime): void {
    this.#runtime = runtime;
    this.#applyFallbackCertificate();
  }

  /**
   * Stops accepting, lets requests in flight finish for up to `graceMs` (their connections close
   * after the response), then cuts whatever is left.
   */
  async close(graceMs: number): Promise<void> {
    this.#draining = true;
    const closed = once(this.#server, 'close');
    this.#server.close();
    this.#http2.close();
    const sweep = setInterval(() => this.#server.closeIdleConnections(), drainSweepMs);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([closed, expired]);
    clearInterval(sweep);
    clearTimeout(timer);
    this.#server.closeAllConnections();
    this.#http2.destroy();
    for (const socket of this.#upgraded) socket.destroy();
    await closed;
  }

  /** Clients that send no SNI get the fallback listener's certificates (SNICallback is not asked). */
  #applyFallbackCertificate(): void {
    const tls = this.#runtime.tls;
    if (tls === null || !(this.#server instanceof https.Server)) return;
    const key = certificateKey(tls.fallback);
    if (key === this.#fallbackKey) return;
    this.#server.setSecureContext(serverContextOptions(tls));
    this.#fallbackKey = key;
  }
}
