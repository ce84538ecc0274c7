// The echo backend's HTTPS port, like echo-basic's HTTPS_PORT: TLS with the pod's certificate, HTTP/2
// or HTTP/1.1 by ALPN, and the TLS details of each request for the echo answer.
//
// With a client CA (echo-basic's TLS_CLIENT_CACERTS) a client certificate is verified when one is
// given and a connection without one is still served, as Go's `VerifyClientCertIfGiven` does.

import type { X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSecureServer, Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { H2cHandlers } from './echo-h2c.ts';

export interface TlsOptions {
  /** echo-basic's HTTPS_PORT; 0 picks a free port. */
  port: number;
  certPem: string;
  keyPem: string;
  /** CA certificates that client certificates must chain to, when clients present one. */
  clientCaPem?: string;
}

/** echo-basic's `tls` object of the echo answer. */
export interface TlsAssertions {
  version: string;
  peerCertificates?: string[];
  serverName: string;
  negotiatedProtocol?: string;
  cipherSuite: string;
}

export interface TlsListener {
  port: number;
  close(): Promise<void>;
}

/** Listens on `host:port` for TLS; each request goes to the handler of the HTTP version ALPN chose. */
export async function listenTls(
  host: string,
  options: TlsOptions,
  handlers: H2cHandlers,
): Promise<TlsListener> {
  const verifyClients = options.clientCaPem !== undefined;
  const server = createSecureServer({
    cert: options.certPem,
    key: options.keyPem,
    allowHTTP1: true,
    ...(verifyClients ? { ca: options.clientCaPem, requestCert: true, rejectUnauthorized: false } : {}),
  });
  // With allowHTTP1, node hands HTTP/1.1 requests to the same event with its HTTP/1.1 objects.
  server.on(
    'request',
    (req: Http2ServerRequest | IncomingMessage, res: Http2ServerResponse | ServerResponse) => {
      if (req instanceof Http2ServerRequest && res instanceof Http2ServerResponse) handlers.http2(req, res);
      else if (!(req instanceof Http2ServerRequest) && !(res instanceof Http2ServerResponse))
        handlers.http1(req, res);
    },
  );
  const sockets = new Set<Socket>();
  server.on('secureConnection', (socket: TLSSocket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (verifyClients && presentedCertificate(socket) && !socket.authorized) socket.destroy();
  });
  // A failed handshake or a reset must not take the process down.
  server.on('tlsClientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function presentedCertificate(socket: TLSSocket): boolean {
  return socket.getPeerX509Certificate() !== undefined;
}

/** The TLS state of a request's connection as echo-basic reports it, names as Go's crypto/tls spells them. */
export function tlsAssertions(socket: TLSSocket): TlsAssertions {
  const peer = socket.getPeerX509Certificate();
  return {
    version: socket.getProtocol() ?? '',
    // Node shows the chain it verified, not the one sent; the client's own certificate is what counts.
    ...(peer ? { peerCertificates: [pemOf(peer)] } : {}),
    serverName: typeof socket.servername === 'string' ? socket.servername : '',
    ...(socket.alpnProtocol ? { negotiatedProtocol: socket.alpnProtocol } : {}),
    // A connection already torn down (a refused client certificate) has no cipher left to report.
    cipherSuite: socket.getCipher()?.standardName ?? '',
  };
}

/** PEM as Go's `pem.Encode` writes it: 64-character lines and a final newline. */
function pemOf(certificate: X509Certificate): string {
  const body = certificate.raw.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${body.replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}
