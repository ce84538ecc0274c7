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
  quietLog,
  route,
  send,
  startEchoUpstream,
  toCluster,
} from '../testkit.ts';

describe('forwarding when things go wrong', () => {
  const plane = new DataPlane({ log: quietLog });
  let port: number;
  let upstream: EchoUpstream;
  /** Resolves when the upstream sees the streaming request's connection close. */
  let streamClosed: Promise<void>;
  let markStreamClosed: () => void;
  /** Resolves when the upstream sees the upload's request end early. */
  let uploadCut: Promise<void>;
  let markUploadCut: () => void;

  before(async () => {
    streamClosed = new Promise((resolve) => {
      markStreamClosed = resolve;
    });
    uploadCut = new Promise((resolve) => {
      markUploadCut = resolve;
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
        case '/upload':
          req.resume();
          req.on('close', () => {
            if (!req.complete) markUploadCut();
          });
          return true;
        case '/big': {
          const size = Number(req.headers['x-size']);
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          const chunk = Buffer.alloc(64 * 1024, 'x');
          let sent = 0;
          const pump = () => {
            while (sent < size) {
              sent += chunk.length;
              if (!res.write(chunk)) {
                res.once('drain', pump);
                return;
              }
            }
            res.end();
          };
          pump();
          return true;
        }
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

  test('large bodies stream both ways with backpressure and arrive whole', async () => {
    const upload = Buffer.alloc(4 * 1024 * 1024, 'u').toString();
    const echoed = await send({ port, method: 'POST', path: '/echo-upload', body: upload });
    assert.equal(JSON.parse(echoed.body).body.length, upload.length);
    const size = 16 * 1024 * 1024;
    const req = http.request({
      port,
      host: '127.0.0.1',
      path: '/big',
      headers: { 'x-size': size },
      agent: false,
    });
    req.end();
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    let received = 0;
    for await (const chunk of res) {
      received += (chunk as Buffer).length;
      // A slow reader makes the gateway's writes back up, so it must pause the upstream.
      if (received % (1024 * 1024) < 65536) await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(received, size);
  });

  test('a client that leaves mid-upload aborts the upstream request and harms nothing', async () => {
    const req = http.request({
      port,
      host: '127.0.0.1',
      path: '/upload',
      method: 'POST',
      headers: { 'content-length': 10 * 1024 * 1024 },
      agent: false,
    });
    req.on('error', () => {});
    req.write(Buffer.alloc(64 * 1024));
    await once(upstream.server, 'request');
    req.destroy();
    await uploadCut;
    assert.equal((await send({ port, path: '/ok' })).status, 200);
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
