// Forwarding under failure: upstream crashes, refused connections, timeouts and clients that leave.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { DataPlane } from '../dataplane.ts';
import {
  cluster,
  type EchoUpstream,
  freePort,
  httpPort,
  ir,
  prefixMatch,
  route,
  send,
  startEchoUpstream,
  toCluster,
} from '../testkit.ts';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('forwarding when things go wrong', () => {
  const plane = new DataPlane({ log: quiet });
  let port: number;
  let upstream: EchoUpstream;
  /** Resolves when the upstream sees the streaming request's connection close. */
  let streamClosed: Promise<void>;
  let markStreamClosed: () => void;

  before(async () => {
    streamClosed = new Promise((resolve) => {
      markStreamClosed = resolve;
    });
    upstream = await startEchoUpstream('failing', (req, res) => {
      switch (req.url) {
        case '/crash':
          req.socket.destroy();
          return true;
        case '/die-mid-body':
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('partial');
          setImmediate(() => req.socket.destroy());
          return true;
        case '/hang':
          return true;
        case '/stream': {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          const tick = setInterval(() => res.write('data: token\n\n'), 5);
          res.on('close', () => {
            clearInterval(tick);
            markStreamClosed();
          });
          return true;
        }
        default:
          return false;
      }
    });
    const refused = await freePort();
    port = await freePort();
    const report = await plane.apply(
      ir(
        [
          httpPort(port, [
            route('refused', { match: prefixMatch('/refused'), backends: [toCluster('refused')] }),
            route('upstream-timeout', {
              match: prefixMatch('/hang'),
              backends: [toCluster('failing')],
              timeouts: { backendRequestMs: 50 },
            }),
            route('request-timeout', {
              match: prefixMatch('/slow-total'),
              filters: [
                { type: 'URLRewrite', rewrite: { path: { type: 'ReplaceFullPath', value: '/hang' } } },
              ],
              backends: [toCluster('failing')],
              timeouts: { requestMs: 50 },
            }),
            route('failing', { backends: [toCluster('failing')] }),
          ]),
        ],
        [cluster('failing', upstream.port), cluster('refused', refused)],
      ),
    );
    assert.deepEqual(report.failed, []);
  });

  after(async () => {
    await plane.close();
    await upstream.close();
  });

  test('an upstream that resets before answering gives 502 upstream_reset', async () => {
    const reply = await send({ port, path: '/crash' });
    assert.equal(reply.status, 502);
    assert.equal(JSON.parse(reply.body).error.code, 'upstream_reset');
  });

  test('an endpoint that refuses connections gives 502 upstream_connect_failed', async () => {
    const reply = await send({ port, path: '/refused' });
    assert.equal(reply.status, 502);
    assert.equal(JSON.parse(reply.body).error.code, 'upstream_connect_failed');
  });

  test('an upstream that dies mid-body destroys the client response', async () => {
    await assert.rejects(send({ port, path: '/die-mid-body' }));
    assert.equal((await send({ port, path: '/ok' })).status, 200, 'the gateway keeps serving');
  });

  test('backendRequestMs gives 504 upstream_timeout', async () => {
    const reply = await send({ port, path: '/hang' });
    assert.equal(reply.status, 504);
    assert.equal(JSON.parse(reply.body).error.code, 'upstream_timeout');
  });

  test('requestMs gives 504 request_timeout', async () => {
    const reply = await send({ port, path: '/slow-total' });
    assert.equal(reply.status, 504);
    assert.equal(JSON.parse(reply.body).error.code, 'request_timeout');
  });

  test('a client that leaves mid-stream aborts the upstream request and harms nothing', async () => {
    const req = http.request({ port, host: '127.0.0.1', path: '/stream', agent: false });
    req.end();
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    await once(res, 'data');
    req.destroy();
    await streamClosed;
    assert.equal((await send({ port, path: '/ok' })).status, 200);
  });
});
