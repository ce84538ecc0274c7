// Upstream protocols per cluster: an h2c cluster is reached over cleartext HTTP/2 with prior knowledge.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { DataPlane } from '../dataplane.ts';
import { freePort, httpPort, quietLog, route, send, toCluster } from '../testkit.ts';

test('an h2c cluster is reached over HTTP/2, with the Host as :authority', async () => {
  const upstream = http2.createServer((req, res) => {
    res.end(`${req.httpVersion} ${req.method} ${req.url} ${req.headers[':authority']}`);
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const plane = new DataPlane({ log: quietLog });
  const port = await freePort();
  const report = await plane.apply({
    ports: [httpPort(port, [route('r', { backends: [toCluster('h2c')] })])],
    clusters: {
      h2c: {
        id: 'h2c',
        protocol: 'h2c',
        endpoints: [{ address: '127.0.0.1', port: (upstream.address() as AddressInfo).port }],
      },
    },
  });
  assert.deepEqual(report.failed, []);
  const reply = await send({
    port,
    method: 'POST',
    path: '/v1/x?y=1',
    body: 'abc',
    headers: { host: 'svc.example' },
  });
  assert.equal(reply.body, '2.0 POST /v1/x?y=1 svc.example');
  await plane.close();
  upstream.close();
});
