// Picks the listener of a socket that serves a request: by Host, cross-checked against the TLS SNI
// name on HTTPS sockets so that a connection is never used for a host of another listener.

import type { TLSSocket } from 'node:tls';
import type { ListenerRuntime, PortRuntime } from '../runtime.ts';

export type ListenerSelection = ListenerRuntime | 'none' | 'misdirected';

/** The SNI name of a TLS connection, lower-cased; null on plain sockets or when the client sent none. */
export function serverName(socket: object): string | null {
  const name = (socket as Partial<TLSSocket>).servername;
  return typeof name === 'string' ? name.toLowerCase() : null;
}

/**
 * `host` is the normalised Host. Listener isolation: only the selected listener's routes may serve the
 * request. On TLS, a Host that selects another listener than the SNI name did is misdirected (421);
 * a Host no listener accepts is not found (404).
 */
export function selectListener(port: PortRuntime, host: string, sni: string | null): ListenerSelection {
  const listener = port.listeners.select(host);
  if (listener === undefined) return 'none';
  if (sni === null || sni === host) return listener;
  return port.listeners.select(sni) === listener ? listener : 'misdirected';
}
