// WebSocket over HTTP/1.1: an `Upgrade: websocket` request is routed, filtered and forwarded like any
// other request; once the endpoint answers 101 the two connections are joined byte for byte.

import { type IncomingMessage, ServerResponse, validateHeaderName, validateHeaderValue } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { HeaderRecord } from '../filters/header-modifier.ts';

export interface UpgradeRequest {
  /** The client connection, no longer read by node's HTTP parser. */
  socket: Socket;
  /** Bytes the client sent after the request head (early WebSocket frames). */
  head: Buffer;
  /** Writes gateway answers, and an endpoint's refusal, over `socket` as plain HTTP/1.1 responses. */
  response: ServerResponse;
}

/** Whether node should hand a request with an Upgrade header to the `upgrade` event. */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const upgrade = req.headers.upgrade;
  return upgrade !== undefined && upgrade.toLowerCase() === 'websocket';
}

/** Takes over the connection of an upgrade request; null when it is not a socket (never so on a TCP server). */
export function acceptUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): UpgradeRequest | null {
  // Node removed its own listeners from the connection: one of ours must catch resets from now on.
  socket.on('error', () => socket.destroy());
  if (!(socket instanceof Socket)) {
    socket.destroy();
    return null;
  }
  const response = new ServerResponse(req);
  // Nothing else is read from this connection, so an answer other than 101 is its last.
  response.shouldKeepAlive = false;
  response.assignSocket(socket);
  response.once('finish', () => socket.end());
  return { socket, head, response };
}

/**
 * Answers the client with the endpoint's 101 (`headers` ready for the client) and joins the two
 * connections; when either side closes or fails, both go.
 */
export function spliceUpgrade(upgrade: UpgradeRequest, headers: HeaderRecord, upstream: Duplex): void {
  const { socket: client, head, response } = upgrade;
  let lines = 'HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: websocket\r\n';
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      // Response modifiers come from configuration: never let one split the head.
      validateHeaderName(name);
      validateHeaderValue(name, one);
      lines += `${name}: ${one}\r\n`;
    }
  }
  response.detachSocket(client);
  const teardown = () => {
    client.destroy();
    upstream.destroy();
  };
  upstream.on('error', teardown);
  for (const side of [client, upstream]) side.on('close', teardown);
  client.write(`${lines}\r\n`);
  if (head.length > 0) upstream.write(head);
  upstream.pipe(client);
  client.pipe(upstream);
}
