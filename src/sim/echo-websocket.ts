// The echo backend's WebSocket endpoint `/ws`, like echo-basic's: every message, text or binary, comes
// back as it was sent.

import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';

export const webSocketPath = '/ws';

/**
 * Serves WebSocket upgrades that `server` hands over (its `shouldUpgradeCallback` picks them). Like
 * echo-basic's `websocket.Handler`, a handshake without a parsable Origin is refused with 403.
 */
export function serveWebSocketEcho(server: Server): void {
  const sockets = new WebSocketServer({
    noServer: true,
    // `origin` is typed as always present, but a client may leave the header out.
    verifyClient: (info, accept) => accept(typeof info.origin === 'string' && URL.canParse(info.origin), 403),
  });
  sockets.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    socket.on('error', () => socket.terminate());
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    sockets.handleUpgrade(req, socket, head, (upgraded) => sockets.emit('connection', upgraded, req));
  });
}
