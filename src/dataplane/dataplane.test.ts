// End-to-end behaviour of the data plane over real sockets: routing, backends, filters, errors.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { metricsRegistry } from '../observability/metrics.ts';
import { DataPlane } from './dataplane.ts';
import {
  cluster,
  type EchoUpstream,
  freePort,
  httpPort,
  ir,
  parseEcho,
  prefixMatch,
  quietLog,
  route,
  send,
  startEchoUpstream,
  toCluster,
} from './testkit.ts';

describe('data plane over HTTP', () => {
  const plane = new DataPlane({ log: quietLog });
  let port: number;
  let a: EchoUpstream;
  let b: EchoUpstream;
  let c: EchoUpstream;

  before(async () => {
    [a, b, c] = await Promise.all([startEchoUpstream('a'), startEchoUpstream('b'), startEchoUpstream('c')]);
    port = await freePort();
    const report = await plane.apply(
      ir(
        [
          httpPort(port, [
            route('split', {
              match: prefixMatch('/split'),
              backends: [toCluster('a', 70), toCluster('b', 30), toCluster('c', 0)],
            }),
            route('empty', { match: prefixMatch('/empty'), backends: [toCluster('none')] }),
            route('no-backends', { match: prefixMatch('/nothing') }),
            route('zero', { match: prefixMatch('/zero'), backends: [toCluster('a', 0)] }),
            route('invalid', {
              match: prefixMatch('/invalid'),
              backends: [
                {
                  weight: 1,
                  target: { kind: 'invalid', status: 500, reason: 'Service missing' },
                  filters: [],
                },
              ],
            }),
            route('headers', {
              match: prefixMatch('/headers'),
              filters: [
                {
                  type: 'RequestHeaderModifier',
                  modifier: {
                    set: [['X-Header-Set', 'set-overwrites-values']],
                    add: [['x-header-add', 'add-appends-values']],
                    remove: ['X-Header-Remove'],
                  },
                },
                {
                  type: 'ResponseHeaderModifier',
                  modifier: {
                    set: [['x-upstream', 'replaced']],
                    add: [['x-added', 'one']],
                    remove: ['content-type'],
                  },
                },
              ],
              backends: [
                toCluster('a', 1, [
                  {
                    type: 'RequestHeaderModifier',
                    modifier: { set: [['backend', 'a']], add: [], remove: [] },
                  },
                ]),
              ],
            }),
            route('redirect', {
              match: prefixMatch('/old'),
              filters: [
                {
                  type: 'RequestRedirect',
                  redirect: { path: { type: 'ReplacePrefixMatch', value: '/new' }, statusCode: 301 },
                },
              ],
            }),
            route('rewrite', {
              match: prefixMatch('/prefix/one'),
              filters: [
                {
                  type: 'URLRewrite',
                  rewrite: {
                    hostname: 'rewritten.example',
                    path: { type: 'ReplacePrefixMatch', value: '/one' },
                  },
                },
              ],
              backends: [toCluster('a')],
            }),
            route('direct', {
              match: prefixMatch('/direct'),
              filters: [{ type: 'DirectResponse', status: 500 }],
              backends: [toCluster('a')],
            }),
            route('exact', {
              match: { path: { type: 'Exact', value: '/exact' }, headers: [], queryParams: [] },
              backends: [toCluster('b')],
            }),
            route('cors', {
              match: prefixMatch('/cors'),
              filters: [
                {
                  type: 'CORS',
                  cors: {
                    allowOrigins: ['https://*.bar.com'],
                    allowCredentials: false,
                    allowMethods: ['GET'],
                    allowHeaders: [],
                    exposeHeaders: ['x-upstream'],
                    maxAgeSeconds: 5,
                  },
                },
              ],
              backends: [toCluster('a')],
            }),
            route('mirror', {
              match: prefixMatch('/mirror'),
              filters: [
                {
                  type: 'RequestHeaderModifier',
                  modifier: { set: [['x-before-mirror', 'yes']], add: [], remove: [] },
                },
                { type: 'RequestMirror', mirror: { cluster: 'c', numerator: 1, denominator: 1 } },
              ],
              backends: [toCluster('a')],
            }),
            route('echo', { match: prefixMatch('/echo'), backends: [toCluster('a')] }),
          ]),
        ],
        [cluster('a', a.port), cluster('b', b.port), cluster('c', c.port), cluster('none')],
      ),
    );
    assert.deepEqual(report.failed, []);
  });

  after(async () => {
    await plane.close();
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  test('forwards method, path, query and body, and streams the answer back', async () => {
    const reply = await send({
      port,
      method: 'POST',
      path: '/echo/x?q=1&r=2',
      body: 'hello',
      headers: { host: 'svc.example:8080' },
    });
    assert.equal(reply.status, 200);
    const echo = parseEcho(reply);
    assert.equal(echo.method, 'POST');
    assert.equal(echo.url, '/echo/x?q=1&r=2');
    assert.equal(echo.body, 'hello');
    assert.equal(echo.headers.host, 'svc.example:8080', 'Host is forwarded unchanged, port included');
  });

  test('adds x-forwarded-* and x-request-id, keeping what the client sent', async () => {
    const fresh = parseEcho(await send({ port, path: '/echo', headers: { host: 'svc.example' } }));
    assert.equal(fresh.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(fresh.headers['x-forwarded-proto'], 'http');
    assert.equal(fresh.headers['x-forwarded-host'], 'svc.example');
    assert.match(String(fresh.headers['x-request-id']), /^[0-9a-f-]{36}$/);

    const chained = parseEcho(
      await send({
        port,
        path: '/echo',
        headers: { 'x-forwarded-for': '10.0.0.1', 'x-request-id': 'given' },
      }),
    );
    assert.equal(chained.headers['x-forwarded-for'], '10.0.0.1, 127.0.0.1');
    assert.equal(chained.headers['x-request-id'], 'given');
  });

  test('strips hop-by-hop headers and those named in Connection', async () => {
    const echo = parseEcho(
      await send({
        port,
        path: '/echo',
        headers: {
          connection: 'keep-alive, x-secret',
          'x-secret': 'hop',
          'keep-alive': 'timeout=5',
          te: 'trailers',
        },
      }),
    );
    assert.equal(echo.headers['x-secret'], undefined);
    assert.equal(echo.headers['keep-alive'], undefined);
    assert.equal(echo.headers.te, undefined);
    assert.notEqual(echo.headers.connection, 'keep-alive, x-secret');
  });

  test('splits traffic by weight 70/30 and never picks weight 0', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    const total = 500;
    const replies = await Promise.all(
      Array.from({ length: total }, () => send({ port, path: '/split', agent })),
    );
    for (const reply of replies) counts[parseEcho(reply).upstream]++;
    agent.destroy();
    assert.equal(counts.c, 0, 'weight 0 is never picked');
    assert.equal(counts.a + counts.b, total);
    assert.ok(Math.abs(counts.a / total - 0.7) < 0.08, `a got ${counts.a} of ${total}`);
  });

  test('answers 404 route_not_found when no route matches', async () => {
    const reply = await send({ port, path: '/exact/more' });
    assert.equal(reply.status, 404);
    assert.equal(reply.headers['content-type'], 'application/json');
    assert.equal(JSON.parse(reply.body).error.code, 'route_not_found');
    assert.equal((await send({ port, path: '/exact' })).status, 200);
  });

  test('answers 503 when the cluster has no endpoints', async () => {
    const reply = await send({ port, path: '/empty' });
    assert.equal(reply.status, 503);
    assert.equal(JSON.parse(reply.body).error.code, 'no_healthy_endpoints');
  });

  test('answers 500 no_backends for a rule without backends or with only weight 0', async () => {
    for (const path of ['/nothing', '/zero']) {
      const reply = await send({ port, path });
      assert.equal(reply.status, 500);
      assert.equal(JSON.parse(reply.body).error.code, 'no_backends');
    }
  });

  test('answers an invalid backend with its status', async () => {
    const reply = await send({ port, path: '/invalid' });
    assert.equal(reply.status, 500);
    assert.equal(JSON.parse(reply.body).error.code, 'backend_invalid');
  });

  test('a DirectResponse filter answers at the gateway', async () => {
    const reply = await send({ port, path: '/direct' });
    assert.equal(reply.status, 500);
    assert.equal(JSON.parse(reply.body).error.code, 'filter_unsupported');
  });

  test('modifies request headers (rule, then backend) and response headers', async () => {
    const reply = await send({
      port,
      path: '/headers',
      headers: { 'x-header-set': 'original', 'x-header-add': 'some-other-value', 'x-HEADER-remove': 'gone' },
    });
    const echo = parseEcho(reply);
    assert.equal(echo.headers['x-header-set'], 'set-overwrites-values');
    assert.equal(echo.headers['x-header-add'], 'some-other-value, add-appends-values');
    assert.equal(echo.headers['x-header-remove'], undefined);
    assert.equal(echo.headers.backend, 'a');
    assert.equal(reply.headers['x-upstream'], 'replaced');
    assert.equal(reply.headers['x-added'], 'one');
    assert.equal(reply.headers['content-type'], undefined);
  });

  test('redirects with the listener port, the replaced prefix and the query', async () => {
    const reply = await send({ port, path: '/old/page?x=1', headers: { host: 'example.org:1234' } });
    assert.equal(reply.status, 301);
    assert.equal(reply.headers.location, `http://example.org:${port}/new/page?x=1`);
  });

  test('rewrites the host and the path prefix before forwarding', async () => {
    const echo = parseEcho(await send({ port, path: '/prefix/one/two?k=v' }));
    assert.equal(echo.url, '/one/two?k=v');
    assert.equal(echo.headers.host, 'rewritten.example');
  });

  test('answers CORS preflights at the gateway and adds allow headers to actual responses', async () => {
    const preflight = await send({
      port,
      method: 'OPTIONS',
      path: '/cors',
      headers: { origin: 'https://www.bar.com', 'access-control-request-method': 'GET' },
    });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers['access-control-allow-origin'], 'https://www.bar.com');
    assert.equal(preflight.headers['access-control-allow-methods'], 'GET');
    assert.equal(a.seen.filter((req) => req.method === 'OPTIONS').length, 0, 'preflights are not forwarded');

    const refused = await send({
      port,
      method: 'OPTIONS',
      path: '/cors',
      headers: { origin: 'https://foobar.com', 'access-control-request-method': 'GET' },
    });
    assert.equal(refused.headers['access-control-allow-origin'], undefined);

    const actual = await send({ port, path: '/cors', headers: { origin: 'https://www.bar.com' } });
    assert.equal(actual.status, 200);
    assert.equal(actual.headers['access-control-allow-origin'], 'https://www.bar.com');
    assert.equal(actual.headers['access-control-expose-headers'], 'x-upstream');
    const foreign = await send({ port, path: '/cors', headers: { origin: 'https://foobar.com' } });
    assert.equal(foreign.headers['access-control-allow-origin'], undefined);
  });

  test('mirrors a request, body and earlier header changes included, and answers from the real backend', async () => {
    // Read the copy's body beside the echo server, from the same 'request' event.
    const mirrored = new Promise<{ req: http.IncomingMessage; body: Promise<string> }>((resolve) =>
      c.server.once('request', (req: http.IncomingMessage) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        resolve({ req, body: once(req, 'end').then(() => Buffer.concat(chunks).toString()) });
      }),
    );
    const reply = await send({ port, method: 'POST', path: '/mirror?m=1', body: 'copy me' });
    assert.equal(parseEcho(reply).upstream, 'a');
    const copy = await mirrored;
    assert.equal(copy.req.url, '/mirror?m=1');
    assert.equal(copy.req.headers['x-before-mirror'], 'yes');
    assert.equal(await copy.body, 'copy me');
  });

  test('answers Expect: 100-continue and forwards the body', async () => {
    const req = http.request({ port, path: '/echo', method: 'POST', headers: { expect: '100-continue' } });
    let continued = false;
    req.on('continue', () => {
      continued = true;
      req.end('after-continue');
    });
    const [res] = (await new Promise((resolve) => req.once('response', (r) => resolve([r])))) as [
      http.IncomingMessage,
    ];
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    assert.ok(continued);
    assert.equal(JSON.parse(Buffer.concat(chunks).toString()).body, 'after-continue');
  });

  test('counts requests per route and code', async () => {
    await send({ port, path: '/exact' });
    const text = await metricsRegistry.metrics();
    assert.match(
      text,
      /sluice_http_requests_total\{gateway="default\/gw",listener="default\/gw\/http",route="exact",code="200"\} \d+/,
    );
    assert.match(text, /sluice_http_requests_total\{[^}]*route="none",code="404"\} \d+/);
  });
});

describe('listener selection on a shared HTTP port', () => {
  const plane = new DataPlane({ log: quietLog });
  let port: number;
  let upstream: EchoUpstream;

  before(async () => {
    upstream = await startEchoUpstream('u');
    port = await freePort();
    const listener = (id: string, hostname: string | null, path: string) => ({
      id: `default/gw/${id}`,
      hostname,
      routes: [route(id, { match: prefixMatch(path), backends: [toCluster('u')] })],
    });
    await plane.apply(
      ir(
        [
          {
            ...httpPort(port, []),
            listeners: [
              listener('exact', 'abc.foo.example.com', '/abc'),
              listener('wild', '*.foo.example.com', '/wild'),
              listener('any', null, '/any'),
            ],
          },
        ],
        [cluster('u', upstream.port)],
      ),
    );
  });

  after(async () => {
    await plane.close();
    await upstream.close();
  });

  const cases: [host: string, path: string, status: number][] = [
    ['abc.foo.example.com:1234', '/abc', 200],
    ['ABC.foo.example.com', '/abc', 200],
    ['abc.foo.example.com', '/wild', 404],
    ['x.y.foo.example.com', '/wild', 200],
    ['foo.example.com', '/wild', 404],
    ['foo.example.com', '/any', 200],
    ['other.org', '/abc', 404],
  ];
  for (const [host, path, status] of cases) {
    test(`Host ${host} ${path} → ${status} (no fall-through between listeners)`, async () => {
      assert.equal((await send({ port, path, headers: { host } })).status, status);
    });
  }
});
