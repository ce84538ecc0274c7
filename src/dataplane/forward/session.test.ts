// Session persistence across a weighted split of real upstreams: cookie and header sessions stick to
// their endpoint, survive IR swaps, lapse when the endpoint leaves or the deadline passes, and resist
// tampering.

import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import type { IRCluster, IRRoute, IRSessionPersistence } from '../../ir/types.ts';
import { DataPlane } from '../dataplane.ts';
import {
  cluster,
  type EchoUpstream,
  freePort,
  httpPort,
  ir,
  parseEcho,
  prefixMatch,
  quietLog,
  type Reply,
  route,
  send,
  startEchoUpstream,
  toCluster,
} from '../testkit.ts';
import { RoundRobin } from './balancer.ts';
import { type ClusterRuntime, missingCluster } from './clusters.ts';
import { PoolRegistry } from './pools.ts';
import { SessionPersistence } from './session.ts';

const cookieSession: IRSessionPersistence = { type: 'Cookie', name: 'sluice-session', lifetime: 'Session' };

/** The `name=value` part of the response's one Set-Cookie line. */
function setCookie(reply: Reply): string | undefined {
  const lines = reply.headers['set-cookie'];
  assert.ok(lines === undefined || lines.length === 1, 'one session cookie at most');
  return lines?.[0];
}

function cookiePair(line: string | undefined): string {
  assert.ok(line !== undefined, 'a session cookie is set');
  return line.split(';')[0];
}

describe('session persistence', () => {
  let plane: DataPlane;
  let upstreams: EchoUpstream[];
  let port: number;
  let refused: number;

  function config(clusterA: number[], clusterB: number[]) {
    const split = (id: string, prefix: string, fields: Partial<IRRoute>): IRRoute =>
      route(id, { match: prefixMatch(prefix), backends: [toCluster('a', 1), toCluster('b', 1)], ...fields });
    const clusters: IRCluster[] = [cluster('a', ...clusterA), cluster('b', ...clusterB)];
    clusters.push(cluster('pair', refused, upstreams[0].port));
    return ir(
      [
        httpPort(port, [
          split('cookie', '/cookie', { sessionPersistence: cookieSession }),
          split('permanent', '/permanent', {
            sessionPersistence: {
              type: 'Cookie',
              name: 'keep',
              lifetime: 'Permanent',
              absoluteTimeoutMs: 3_600_000,
            },
          }),
          split('header', '/header', {
            sessionPersistence: { type: 'Header', name: 'X-Session', lifetime: 'Session' },
          }),
          route('retry', {
            match: prefixMatch('/retry'),
            backends: [toCluster('pair')],
            sessionPersistence: cookieSession,
            retry: { codes: [], attempts: 1, backoffMs: 0 },
          }),
        ]),
      ],
      clusters,
    );
  }

  const [a1, a2, b1, b2] = [0, 1, 2, 3];
  const all = () =>
    config([upstreams[a1].port, upstreams[a2].port], [upstreams[b1].port, upstreams[b2].port]);

  before(async () => {
    upstreams = await Promise.all(['a1', 'a2', 'b1', 'b2'].map((name) => startEchoUpstream(name)));
    refused = await freePort();
    port = await freePort();
    plane = new DataPlane({ log: quietLog });
    assert.deepEqual((await plane.apply(all())).failed, []);
  });

  after(async () => {
    await plane.close();
    await Promise.all(upstreams.map((upstream) => upstream.close()));
  });

  test('a cookie session sends every later request to the first endpoint, over the weights', async () => {
    const first = await send({ port, path: '/cookie' });
    const line = setCookie(first);
    assert.match(line ?? '', /^sluice-session=[\w-]+; Path=\/; HttpOnly$/);
    const cookie = `other=1; ${cookiePair(line)}; more=2`;
    const served = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const reply = await send({ port, path: '/cookie', headers: { cookie } });
      assert.equal(setCookie(reply), undefined, 'an established session is not set again');
      served.add(parseEcho(reply).upstream);
    }
    assert.deepEqual([...served], [parseEcho(first).upstream]);
  });

  test('a permanent cookie carries Max-Age from the absolute timeout', async () => {
    const line = setCookie(await send({ port, path: '/permanent' }));
    assert.match(line ?? '', /^keep=[\w-]+; Path=\/; HttpOnly; Max-Age=3600$/);
  });

  test('a header session is answered in and read from the named header', async () => {
    const first = await send({ port, path: '/header' });
    const token = first.headers['x-session'];
    assert.equal(typeof token, 'string');
    for (let i = 0; i < 10; i++) {
      const reply = await send({ port, path: '/header', headers: { 'x-session': String(token) } });
      assert.equal(reply.headers['x-session'], undefined);
      assert.equal(parseEcho(reply).upstream, parseEcho(first).upstream);
    }
  });

  test('a tampered or foreign session is ignored and replaced', async () => {
    const pair = cookiePair(setCookie(await send({ port, path: '/cookie' })));
    const flipped = `${pair.slice(0, -2)}${pair.endsWith('A') ? 'B' : 'A'}${pair.slice(-1)}`;
    for (const cookie of [flipped, 'sluice-session=not-a-session']) {
      const reply = await send({ port, path: '/cookie', headers: { cookie } });
      assert.equal(reply.status, 200);
      assert.notEqual(setCookie(reply), undefined);
    }
  });

  test('a session survives an IR swap and lapses once its endpoint leaves the cluster', async () => {
    const first = await send({ port, path: '/cookie' });
    const cookie = cookiePair(setCookie(first));
    const owner = upstreams.find((upstream) => upstream.name === parseEcho(first).upstream);
    assert.ok(owner !== undefined);
    await plane.apply(all());
    const again = await send({ port, path: '/cookie', headers: { cookie } });
    assert.equal(parseEcho(again).upstream, owner.name);
    assert.equal(setCookie(again), undefined);

    const without = (ports: number[]) => ports.filter((p) => p !== owner.port);
    await plane.apply(
      config(
        without([upstreams[a1].port, upstreams[a2].port]),
        without([upstreams[b1].port, upstreams[b2].port]),
      ),
    );
    const moved = await send({ port, path: '/cookie', headers: { cookie } });
    assert.notEqual(parseEcho(moved).upstream, owner.name);
    assert.notEqual(setCookie(moved), undefined, 'a new session names the new endpoint');
    await plane.apply(all());
  });

  test('a retry that moves to another endpoint gives the session to the endpoint that answered', async () => {
    // The first pick of the `pair` cluster refuses connections; the retry goes to a1.
    const first = await send({ port, path: '/retry' });
    assert.equal(parseEcho(first).upstream, 'a1');
    const cookie = cookiePair(setCookie(first));
    const next = await send({ port, path: '/retry', headers: { cookie } });
    assert.equal(parseEcho(next).upstream, 'a1');
    assert.equal(setCookie(next), undefined, 'the session already named a1: no retry was needed');
  });
});

test('a session is void after its absolute timeout', async () => {
  const pools = new PoolRegistry();
  const endpoint = pools.acquire({ protocol: 'http1', address: '10.0.0.1', port: 80 });
  const target: ClusterRuntime = { ...missingCluster('c'), endpoints: new RoundRobin([endpoint]) };
  const session = new SessionPersistence(
    { type: 'Header', name: 'x-s', lifetime: 'Session', absoluteTimeoutMs: 1000 },
    [{ weight: 1, value: 'backend' }],
    () => target,
  );
  const controller = { aborted: false, paused: false, reason: null, abort() {}, pause() {}, resume() {} };
  let token = '';
  mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  try {
    // A try whose response starts at once, stamped by the session.
    const stamped = session.stamping(
      undefined,
      false,
    )((_endpoint, _options, handler) => handler.onResponseStart?.(controller, 200, {}, 'OK'));
    stamped(
      endpoint,
      { path: '/', method: 'GET' },
      {
        onResponseStart(_controller, _status, headers) {
          token = String(headers['x-s']);
        },
      },
    );
    const carrier = { header: (name: string) => (name === 'x-s' ? token : undefined) };
    assert.equal(session.resume(carrier)?.backend, 'backend');
    mock.timers.setTime(1_000_999);
    assert.equal(session.resume(carrier)?.endpoint, endpoint);
    mock.timers.setTime(1_001_001);
    assert.equal(session.resume(carrier), undefined);
  } finally {
    mock.timers.reset();
    await pools.close(0);
  }
});
