// Socket lifecycle across applies: atomic swaps with requests in flight, bind failures, removal, IPv6.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { DataPlane } from '../dataplane.ts';
import {
  cluster,
  type EchoUpstream,
  freePort,
  httpPort,
  ir,
  parseEcho,
  quietLog,
  route,
  send,
  startEchoUpstream,
  toCluster,
} from '../testkit.ts';

describe('socket lifecycle', () => {
  let slow: EchoUpstream;
  let fast: EchoUpstream;
  /** Answers the held `/slow` request. */
  let release: () => void = () => {};
  let slowArrived: Promise<void>;

  before(async () => {
    let arrived: () => void = () => {};
    slowArrived = new Promise((resolve) => {
      arrived = resolve;
    });
    slow = await startEchoUpstream('slow', (req, res) => {
      if (req.url !== '/slow') return false;
      release = () => res.end('old route');
      arrived();
      return true;
    });
    fast = await startEchoUpstream('fast');
  });

  after(async () => {
    await Promise.all([slow.close(), fast.close()]);
  });

  test('a config swap leaves the request in flight on the old route and sends new ones to the new', async () => {
    const plane = new DataPlane({ log: quietLog });
    const port = await freePort();
    const old = ir(
      [httpPort(port, [route('r', { backends: [toCluster('slow')] })])],
      [cluster('slow', slow.port)],
    );
    const next = ir(
      [httpPort(port, [route('r', { backends: [toCluster('fast')] })])],
      [cluster('fast', fast.port)],
    );
    await plane.apply(old);

    const inFlight = send({ port, path: '/slow' });
    await slowArrived;
    assert.deepEqual((await plane.apply(next)).failed, []);
    assert.equal(parseEcho(await send({ port, path: '/after' })).upstream, 'fast');
    release();
    const reply = await inFlight;
    assert.equal(reply.status, 200);
    assert.equal(reply.body, 'old route');
    await plane.close();
  });

  test('close lets a request in flight finish, then stops listening', async () => {
    const plane = new DataPlane({ log: quietLog });
    const port = await freePort();
    let arrived: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    let answer: () => void = () => {};
    const upstream = await startEchoUpstream('held', (_req, res) => {
      answer = () => res.end('finished');
      arrived();
      return true;
    });
    await plane.apply(
      ir([httpPort(port, [route('r', { backends: [toCluster('held')] })])], [cluster('held', upstream.port)]),
    );
    const inFlight = send({ port, path: '/' });
    await held;
    const closing = plane.close();
    await assert.rejects(send({ port }), { code: 'ECONNREFUSED' });
    answer();
    assert.equal((await inFlight).body, 'finished');
    await closing;
    await upstream.close();
  });

  test('a socket that cannot be bound is reported and the others keep serving', async () => {
    const plane = new DataPlane({ log: quietLog });
    const taken = http.createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const busyPort = (taken.address() as AddressInfo).port;
    const freeOne = await freePort();
    const report = await plane.apply(
      ir(
        [
          httpPort(busyPort, [route('busy', { backends: [toCluster('fast')] })]),
          httpPort(freeOne, [route('ok', { backends: [toCluster('fast')] })]),
          { ...httpPort(freeOne, []), address: '192.0.2.1' },
        ],
        [cluster('fast', fast.port)],
      ),
    );
    const messages = report.failed.map((failure) => `${failure.address}:${failure.port} ${failure.message}`);
    assert.equal(report.failed.length, 2, messages.join('\n'));
    assert.match(messages[0], /EADDRINUSE/);
    assert.match(messages[1], /^192\.0\.2\.1:\d+ .*EADDRNOTAVAIL/);
    assert.equal((await send({ port: freeOne })).status, 200);
    await plane.close();
    taken.close();
  });

  test('a socket removed from the IR stops accepting connections', async () => {
    const plane = new DataPlane({ log: quietLog });
    const kept = await freePort();
    const removed = await freePort();
    const both = ir(
      [
        httpPort(kept, [route('k', { backends: [toCluster('fast')] })]),
        httpPort(removed, [route('r', { backends: [toCluster('fast')] })]),
      ],
      [cluster('fast', fast.port)],
    );
    await plane.apply(both);
    assert.equal((await send({ port: removed })).status, 200);
    await plane.apply({ ...both, ports: [both.ports[0]] });
    await assert.rejects(send({ port: removed }), { code: 'ECONNREFUSED' });
    assert.equal((await send({ port: kept })).status, 200);
    await plane.close();
  });

  test('serves on an IPv6 literal and reaches IPv6 endpoints', async (t) => {
    const upstream = http.createServer((_req, res) => res.end('v6'));
    upstream.listen(0, '::1');
    const bound = await Promise.race([
      once(upstream, 'listening').then(() => true),
      once(upstream, 'error').then(() => false),
    ]);
    if (!bound) {
      t.skip('no IPv6 loopback here');
      return;
    }
    const plane = new DataPlane({ log: quietLog });
    const port = await freePort('::1');
    const upstreamPort = (upstream.address() as AddressInfo).port;
    const report = await plane.apply({
      ports: [{ ...httpPort(port, [route('v6', { backends: [toCluster('v6')] })]), address: '::1' }],
      clusters: { v6: { id: 'v6', protocol: 'http1', endpoints: [{ address: '::1', port: upstreamPort }] } },
    });
    assert.deepEqual(report.failed, []);
    const reply = await send({ port, address: '::1', headers: { host: `[::1]:${port}` } });
    assert.equal(reply.body, 'v6');
    await plane.close();
    upstream.close();
  });
});
