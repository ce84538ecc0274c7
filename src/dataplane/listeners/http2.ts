// HTTP/2 beside HTTP/1.1 on one socket. Cleartext connections that open with the HTTP/2 preface (h2c
// with prior knowledge) and TLS connections that chose `h2` by ALPN go to an HTTP/2 session; every
// other connection stays with node's HTTP/1.1 server, whose fast path is left as it is.

import type http from 'node:http';
import http2 from 'node:http2';
import type https from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** What an HTTP/2 client sends first on a connection (RFC 9113 §3.4). */
const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Protocols offered by ALPN on HTTPS sockets, preferred first. */
export const alpnProtocols = ['h2', 'http/1.1'];

/** How long a new cleartext connection may stay silent before it is dropped (node's own headersTimeout). */
const firstBytesTimeoutMs = 60_000;

type ConnectionListener = (this: unknown, socket: Socket) => void;

export type Http2RequestListener = (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void;

/** The HTTP/2 side of one bound socket: the sessions it serves, closed gracefully when the socket drains. */
export class Http2Sessions {
  /** Never listens: it only runs sessions over connections the HTTP/1.1 server accepted. */
  readonly #engine: http2.Http2Server;
  readonly #sessions = new Set<http2.ServerHttp2Session>();
  #closing = false;

  constructor(onRequest: Http2RequestListener) {
    this.#engine = http2.createServer();
    this.#engine.on('request', onRequest);
    // `Expect: 100-continue` requests too: the data plane sends 100 only when it forwards.
    this.#engine.on('checkContinue', onRequest);
    this.#engine.on('session', (session: http2.ServerHttp2Session) => {
      if (this.#closing) {
        session.close();
        return;
      }
      this.#sessions.add(session);
      session.once('close', () => this.#sessions.delete(session));
    });
  }

  /**
   * Puts the HTTP/2 split in front of `server`'s connection handling: node's HTTP/1.1 listener still
   * takes every connection that is not HTTP/2, so the HTTP/1.1 server keeps its connection tracking,
   * timeouts and `closeIdleConnections`.
   */
  attach(server: http.Server | https.Server, tls: boolean): void {
    const event = tls ? 'secureConnection' : 'connection';
    const http1 = server.listeners(event) as ConnectionListener[];
    server.removeAllListeners(event);
    const toHttp1 = (socket: Socket) => {
      for (const listener of http1) listener.call(server, socket);
    };
    const toHttp2 = (socket: Socket) => this.#engine.emit('connection', socket);
    if (tls) {
      server.on(event, (socket: TLSSocket) => {
        // A listener ahead of this one (client certificate admission) may have closed the connection.
        if (socket.destroyed) return;
        (socket.alpnProtocol === 'h2' ? toHttp2 : toHttp1)(socket);
      });
    } else {
      server.on(event, (socket: Socket) => sniffPreface(socket, toHttp1, toHttp2));
    }
  }

  /** Sends GOAWAY on every session: streams in flight finish, new ones go to another connection. */
  close(): void {
    this.#closing = true;
    for (const session of this.#sessions) session.close();
  }

  /** Cuts every session still open. */
  destroy(): void {
    for (const session of this.#sessions) session.destroy();
  }
}

/**
 * Reads the first bytes of a cleartext connection and hands it on, bytes put back, by whether they are
 * the HTTP/2 preface. Costs one read per connection, none per request.
 */
function sniffPreface(
  socket: Socket,
  toHttp1: (socket: Socket) => void,
  toHttp2: (socket: Socket) => void,
): void {
  let seen: Buffer | null = null;
  const drop = () => socket.destroy();
  const onData = (chunk: Buffer) => {
    seen = seen === null ? chunk : Buffer.concat([seen, chunk]);
    const length = Math.min(seen.length, preface.length);
    const isHttp2 = preface.compare(seen, 0, length, 0, length) === 0;
    if (isHttp2 && length < preface.length) return;
    socket.off('data', onData);
    socket.off('error', drop);
    socket.off('end', drop);
    socket.off('timeout', drop);
    socket.setTimeout(0);
    socket.pause();
    socket.unshift(seen);
    if (isHttp2) {
      // The session reads the bytes put back itself.
      toHttp2(socket);
    } else {
      toHttp1(socket);
      socket.resume();
    }
  };
  socket.on('data', onData);
  socket.on('error', drop);
  socket.on('end', drop);
  socket.on('timeout', drop);
  socket.setTimeout(firstBytesTimeoutMs);
}
