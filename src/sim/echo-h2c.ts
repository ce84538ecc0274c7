// The echo backend's h2c port, like echo-basic's H2C_PORT: cleartext HTTP/2 with prior knowledge, and
// HTTP/1.1 beside it on the same port (echo-basic answers those itself; see `startEchoServer`).
//
// Node serves cleartext HTTP/2 and HTTP/1.1 only on separate servers, so one listener reads the first
// bytes of each connection and hands the connection to the server its preface belongs to. The gateway
// has its own such split; the echo keeps an independent one so that a fault there cannot hide itself.

import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';

/** What an HTTP/2 client sends first on a connection (RFC 9113 §3.4). */
const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export interface H2cHandlers {
  http2(req: Http2ServerRequest, res: Http2ServerResponse): void;
  http1(req: IncomingMessage, res: ServerResponse): void;
}

export interface H2cListener {
  port: number;
  close(): Promise<void>;
}

/** Listens on `host:port` (0 picks a free port) for h2c and HTTP/1.1 connections. */
export async function listenH2c(host: string, port: number, handlers: H2cHandlers): Promise<H2cListener> {
  const http2 = createHttp2Server(handlers.http2);
  const http1 = createHttp1Server(handlers.http1);
  http1.on('clientError', (_error, socket) => socket.destroy());
  const sockets = new Set<Socket>();

  const listener = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A client that resets the connection must not take the process down.
    socket.on('error', () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      const length = Math.min(chunk.length, preface.length);
      if (preface.compare(chunk, 0, length, 0, length) === 0) {
        // The HTTP/2 session reads the bytes put back itself.
        http2.emit('connection', socket);
      } else {
        http1.emit('connection', socket);
        socket.resume();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, host, () => {
      listener.off('error', reject);
      resolve();
    });
  });

  return {
    port: (listener.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        listener.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
