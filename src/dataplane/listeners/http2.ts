// HTTP/2 beside HTTP/1.1 on one socket. Cleartext connections that open with the HTTP/2 preface (h2c
// with prior knowledge) and TLS connections that chose `h2` by ALPN go to an HTTP/2 session; every
// other connection stays with node's HTTP/1.1 server, whose fast path is left as it is. A session with
// no stream open for the client idle timeout is closed with a GOAWAY.

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

const kOpenStreams = Symbol('sluice.openStreams');
const kSession = Symbol('sluice.session');

/** A session counts its open streams: node's own session timeout would fire on a quiet stream too. */
type CountedSession = http2.ServerHttp2Session & { [kOpenStreams]: number };
/** A stream no longer knows its session once closed; it keeps it here to uncount itself. */
type CountedStream = http2.ServerHttp2Stream & { [kSession]: CountedSession };

function onStreamOpen(stream: http2.ServerHttp2Stream): void {
  const session = stream.session as CountedSession | undefined;
  if (session === undefined) return;
  session[kOpenStreams] += 1;
  (stream as CountedStream)[kSession] = session;
  stream.once('close', onStreamClose);
}

function onStreamClose(this: CountedStream): void {
  this[kSession][kOpenStreams] -= 1;
}

/**
 * The session saw no frame for the idle timeout. With a stream still open (a quiet gRPC stream) it is
 * not idle: the stream's last frames re-arm the timer.
 */
function onSessionTimeout(this: CountedSession): void {
  if (this[kOpenStreams] === 0) this.close();
}

/** The HTTP/2 side of one bound socket: the sessions it serves, closed gracefully when the socket drains. */
export class Http2Sessions {
  /** Never listens: it only runs sessions over connections the HTTP/1.1 server accepted. */
  readonly #engine: http2.Http2Server;
  readonly #sessions = new Set<http2.ServerHttp2Session>();
  #closing = false;

  /** `idleTimeoutMs`: how long a session may stay without an open stream (0: for ever). */
  constructor(onRequest: Http2RequestListener, idleTimeoutMs: number) {
    this.#engine = http2.createServer();
    this.#engine.on('request', onRequest);
    // `Expect: 100-continue` requests too: the data plane sends 100 only when it forwards.
    this.#engine.on('checkContinue', onRequest);
    if (idleTimeoutMs > 0) this.#engine.on('stream', onStreamOpen);
    this.#engine.on('session', (session: http2.ServerHttp2Session) => {
      if (this.#closing) {
        session.close();
        return;
      }
      this.#sessions.add(session);
      session.once('close', () => this.#sessions.delete(session));
      if (idleTimeoutMs > 0) {
        (session as CountedSession)[kOpenStreams] = 0;
        // `on`, not the callback of setTimeout (a `once`): a timeout ignored for an open stream comes back.
        session.on('timeout', onSessionTimeout);
        session.setTimeout(idleTimeoutMs);
      }
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
    const routes: PrefaceRoutes = {
      toHttp1: (socket) => {
        for (const listener of http1) listener.call(server, socket);
      },
      toHttp2: (socket) => this.#engine.emit('connection', socket),
    };
    if (tls) {
      server.on(event, (socket: TLSSocket) => {
        // A listener ahead of this one (client certificate admission) may have closed the connection.
        if (socket.destroyed) return;
        if (socket.alpnProtocol === 'h2') routes.toHttp2(socket);
        else routes.toHttp1(socket);
      });
    } else {
      server.on(event, (socket: Socket) => sniffPreface(socket, routes));
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

/** Where a sniffed cleartext connection goes; one per bound socket, shared by its connections. */
interface PrefaceRoutes {
  toHttp1(socket: Socket): void;
  toHttp2(socket: Socket): void;
}

const kSniffing = Symbol('sluice.sniffing');

/** A connection whose first bytes are being read: the bytes so far, and where to hand it on. */
type SniffingSocket = Socket & { [kSniffing]?: { routes: PrefaceRoutes; seen: Buffer | null } };

/**
 * Reads the first bytes of a cleartext connection and hands it on, bytes put back, by whether they are
 * the HTTP/2 preface. Costs one read per connection, none per request; the listeners are shared
 * functions, so that a connection carries no closures of its own while it waits.
 */
function sniffPreface(socket: Socket, routes: PrefaceRoutes): void {
  (socket as SniffingSocket)[kSniffing] = { routes, seen: null };
  socket.on('data', onFirstBytes);
  socket.on('error', dropSilent);
  socket.on('end', dropSilent);
  socket.on('timeout', dropSilent);
  socket.setTimeout(firstBytesTimeoutMs);
}

function dropSilent(this: Socket): void {
  this.destroy();
}

function onFirstBytes(this: SniffingSocket, chunk: Buffer): void {
  const sniffing = this[kSniffing];
  if (sniffing === undefined) return;
  const seen = sniffing.seen === null ? chunk : Buffer.concat([sniffing.seen, chunk]);
  const isHttp2 = startsLikePreface(seen);
  if (isHttp2 && seen.length < preface.length) {
    sniffing.seen = seen;
    return;
  }
  this[kSniffing] = undefined;
  this.off('data', onFirstBytes);
  this.off('error', dropSilent);
  this.off('end', dropSilent);
  this.off('timeout', dropSilent);
  this.setTimeout(0);
  this.pause();
  this.unshift(seen);
  if (isHttp2) {
    // The session reads the bytes put back itself.
    sniffing.routes.toHttp2(this);
  } else {
    sniffing.routes.toHttp1(this);
    this.resume();
  }
}

/** Whether the bytes so far agree with the HTTP/2 preface (compared in place: no allocation). */
function startsLikePreface(seen: Buffer): boolean {
  const length = Math.min(seen.length, preface.length);
  for (let i = 0; i < length; i++) if (seen[i] !== preface[i]) return false;
  return true;
}
