// Picks the listener of a socket that serves a request: by Host, cross-checked on HTTPS sockets against
// the TLS SNI name and the client certificate validation the connection passed, so that a connection is
// never used for a host of another listener.

import type { TLSSocket } from 'node:tls';
import type { ListenerRuntime, PortRuntime } from '../runtime.ts';
import { clientCertificateAdmits } from './tls.ts';

export type ListenerSelection = ListenerRuntime | 'none' | 'misdirected';

/** The SNI name of a TLS connection, lower-cased; null on plain sockets or when the client sent none. */
export function serverName(socket: object): string | null {
  const name = (socket as Partial<TLSSocket>).servername;
  return typeof name === 'string' ? name.toLowerCase() : null;
}

/**
 * `host` is the normalised Host, `socket` the connection the request came on. Listener isolation: only
 * the selected listener's routes may serve the request. On TLS, a Host that selects another listener
 * than the SNI name did, or a listener whose client certificate validation the connection did not pass,
 * is misdirected (421); a Host no listener accepts is not found (404).
 */
export function selectListener(port: PortRuntime, host: string, socket: object): ListenerSelection {
  const listener = port.listeners.select(host);
  if (listener === undefined) return 'none';
  if (port.tls === null) return listener;
  const sni = serverName(socket);
  if (sni !== null && sni !== host && port.listeners.select(sni) !== listener) return 'misdirected';
  return clientCertificateAdmits(port.tls, listener.id, socket) ? listener : 'misdirected';
}
