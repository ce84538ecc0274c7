// WebSocket through the data plane: upgrades are routed and filtered like requests, then joined with a
// real WebSocket server (the `ws` package) byte for byte; refusals and gateway errors stay HTTP.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocketServer } from 'ws';
import type { IRFilter } from '../../ir/types.ts';
import { DataPlane } from '../dataplane.ts';
import { cluster, freePort, httpPort, ir, prefixMatch, quietLog, route, toCluster } from '../testkit.ts';

/** What the upstream sends first on every connection: the upgrade request as it arrived. */
interface Arrival {
  url: string;
  host: string;
  gateway: string;
}

/** Echoes every message; `/refuse` is answered 403 instead of upgraded; the message `bye` closes with 4000. */
async function startWebSocketUpstream(): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer();
  const wss = new WebSocketServer({
    server,
    verifyClient: (info, done) => (info.req.url === '/refuse' ? done(false, 403, 'Forbidden') : done(true)),
  });
  wss.on('connection', (socket, req) => {
    const arrival: Arrival = {
      url: req.url ?? '',
      host: req.headers.host ?? '',
      gateway: String(req.headers['x-gateway']),
    };
    socket.send(JSON.stringify(arrival));
    socket.on('message', (data, isBinary) => {
      if (!isBinary && data.toString() === 'bye') socket.close(4000, 'bye');
      else socket.send(data, { binary: isBinary });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Collects a WebSocket's messages; `next()` waits for the following one. */
function inbox(socket: WebSocket): { next(): Promise<string | ArrayBuffer> } {
  const queued: (string | ArrayBuffer)[] = [];
  const waiting: ((message: string | ArrayBuffer) => void)[] = [];
  socket.addEventListener('message', (event: MessageEvent) => {
    const data: unknown = event.data;
    if (typeof data !== 'string' && !(data instanceof ArrayBuffer)) return;
    const waiter = waiting.shift();
    if (waiter === undefined) queued.push(data);
    else waiter(data);
  });
  return {
    next: () => {
      const message = queued.shift();
      if (message !== undefined) return Promise.resolve(message);
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}

async function open(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error(`could not open ${url}`)), { once: true });
  });
  return socket;
}

/** Sends an upgrade request by hand and reports how it was answered: 101 with headers, or a response. */
async function rawUpgrade(
  port: number,
  path: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const req = http.request({
    host: '127.0.0.1',
    port,
    path,
    headers: {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-key': Buffer.from('sluice-test-key!').toString('base64'),
      'sec-websocket-version': '13',
    },
  });
  req.end();
  const outcome = await Promise.race([
    once(req, 'upgrade').then((args) => {
      const [res, socket] = args as [http.IncomingMessage, Socket];
      socket.destroy();
      return { status: res.statusCode ?? 0, headers: res.headers, body: '' };
    }),
    once(req, 'response').then(async (args) => {
      const [res] = args as [http.IncomingMessage];
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() };
    }),
  ]);
  return outcome;
}

describe('WebSocket through the data plane', () => {
  const plane = new DataPlane({ log: quietLog });
  let port: number;
  let upstream: { port: number; close(): Promise<void> };

  before(async () => {
    upstream = await startWebSocketUpstream();
    port = await freePort();
    const filters: IRFilter[] = [
      { type: 'RequestHeaderModifier', modifier: { set: [], add: [['x-gateway', 'sluice']], remove: [] } },
      {
        type: 'URLRewrite',
        rewrite: { hostname: 'chat.internal', path: { type: 'ReplacePrefixMatch', value: '/ws' } },
      },
      { type: 'ResponseHeaderModifier', modifier: { set: [['x-served-by', 'sluice']], add: [], remove: [] } },
    ];
    const report = await plane.apply(
      ir(
        [
          httpPort(port, [
            route('chat', { match: prefixMatch('/chat'), filters, backends: [toCluster('ws')] }),
            route('plain', { match: prefixMatch('/refuse'), backends: [toCluster('ws')] }),
          ]),
        ],
        [{ ...cluster('ws', upstream.port), protocol: 'ws' }],
      ),
    );
    assert.deepEqual(report.failed, []);
  });

  after(async () => {
    await plane.close();
    await upstream.close();
  });

  test('messages echo both ways, after the route filters changed the upgrade request', async () => {
    const socket = await open(`ws://127.0.0.1:${port}/chat/room`);
    const messages = inbox(socket);
    const arrival = JSON.parse(String(await messages.next())) as Arrival;
    assert.deepEqual(arrival, { url: '/ws/room', host: 'chat.internal', gateway: 'sluice' });
    socket.send('hello');
    assert.equal(await messages.next(), 'hello');
    socket.send(new Uint8Array([1, 2, 3, 255]));
    assert.deepEqual(new Uint8Array((await messages.next()) as ArrayBuffer), new Uint8Array([1, 2, 3, 255]));
    socket.close();
  });

  test('the upstream closing the WebSocket closes the client one, with its code', async () => {
    const socket = await open(`ws://127.0.0.1:${port}/chat/room`);
    const closed = new Promise<CloseEvent>((resolve) =>
      socket.addEventListener('close', resolve, { once: true }),
    );
    socket.send('bye');
    const event = await closed;
    assert.equal(event.code, 4000);
    assert.equal(event.reason, 'bye');
  });

  test("the 101 carries the endpoint's handshake headers and the route's response headers", async () => {
    const reply = await rawUpgrade(port, '/chat/raw');
    assert.equal(reply.status, 101);
    assert.equal(reply.headers.upgrade, 'websocket');
    assert.ok(reply.headers['sec-websocket-accept']);
    assert.equal(reply.headers['x-served-by'], 'sluice');
  });

  test('an upgrade no route matches is answered 404 over HTTP', async () => {
    const reply = await rawUpgrade(port, '/nowhere');
    assert.equal(reply.status, 404);
    assert.equal(JSON.parse(reply.body).error.code, 'route_not_found');
  });

  test('an endpoint that refuses the upgrade is answered with its refusal', async () => {
    const reply = await rawUpgrade(port, '/refuse');
    assert.equal(reply.status, 403);
  });
});
