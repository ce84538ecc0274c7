// HTTP/2 on the data plane's sockets: h2c with prior knowledge beside HTTP/1.1, ALPN on HTTPS, 421 over
// h2, HTTP/2 upstreams, trailers, and draining.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { IRCertificate, IRCluster, IRPort } from '../../ir/types.ts';
import { DataPlane } from '../dataplane.ts';
import {
  cluster,
  type Echo,
  type EchoUpstream,
  freePort,
  httpPort,
  ir,
  makeCertificate,
  parseEcho,
  prefixMatch,
  quietLog,
  route,
  send,
  startEchoUpstream,
  toCluster,
} from '../testkit.ts';

interface H2Reply {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: string;
  trailers: http2.IncomingHttpHeaders;
}

/** Sends one request on an HTTP/2 session and reads the whole reply, trailers included. */
async function sendH2(
  session: http2.ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders,
  body?: string,
): Promise<H2Reply> {
  const stream = session.request(headers, { endStream: body === undefined });
  if (body !== undefined) stream.end(body);
  let trailers: http2.IncomingHttpHeaders = {};
  stream.on('trailers', (received: http2.IncomingHttpHeaders) => {
    trailers = received;
  });
  const [response] = (await once(stream, 'response')) as [http2.IncomingHttpHeaders];
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return {
    status: Number(response[':status']),
    headers: response,
    body: Buffer.concat(chunks).toString(),
    trailers,
  };
}

interface H2cUpstream {
  port: number;
  /** HTTP versions of the requests seen, in order. */
  versions: string[];
  close(): Promise<void>;
}

/**
 * A cleartext HTTP/2 upstream answering with an `Echo` body and an `x-echo-trailer` trailer, on streams
 * so that it can send trailers.
 */
async function startH2cUpstream(name: string): Promise<H2cUpstream> {
  const versions: string[] = [];
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    versions.push('2.0');
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const echo: Echo = {
        upstream: name,
        method: String(headers[':method']),
        url: String(headers[':path']),
        headers: { ...headers, host: headers[':authority'] },
        body: Buffer.concat(chunks).toString(),
      };
      stream.respond({ ':status': 200, 'content-type': 'application/json' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'x-echo-trailer': 'done' }));
      stream.end(JSON.stringify(echo));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    versions,
    close: async () => {
      const closed = once(server, 'close');
      server.close();
      await closed;
    },
  };
}

function h2cCluster(id: string, port: number): IRCluster {
  return { ...cluster(id, port), protocol: 'h2c' };
}

describe('HTTP/2 listeners', () => {
  const plane = new DataPlane({ log: quietLog });
  let port: number;
  let h1: EchoUpstream;
  let h2: H2cUpstream;
  let session: http2.ClientHttp2Session;
  /** Resolves when the upstream sees the `/hang` request go away. */
  let hangArrived: Promise<void>;
  let hangClosed: Promise<void>;

  before(async () => {
    let arrived: () => void = () => {};
    let closed: () => void = () => {};
    hangArrived = new Promise((resolve) => {
      arrived = resolve;
    });
    hangClosed = new Promise((resolve) => {
      closed = resolve;
    });
    const hang = (req: http.IncomingMessage) => {
      if (req.url !== '/hang') return false;
      req.socket.once('close', closed);
      arrived();
      return true;
    };
    [h1, h2] = await Promise.all([startEchoUpstream('h1', hang), startH2cUpstream('h2')]);
    port = await freePort();
    const report = await plane.apply(
      ir(
        [
          httpPort(port, [
            route('to-h2c', { match: prefixMatch('/h2c'), backends: [toCluster('h2')] }),
            route('to-h1', { backends: [toCluster('h1')] }),
          ]),
        ],
        [cluster('h1', h1.port), h2cCluster('h2', h2.port)],
      ),
    );
    assert.deepEqual(report.failed, []);
    session = http2.connect(`http://127.0.0.1:${port}`);
  });

  after(async () => {
    session.close();
    await plane.close();
    await Promise.all([h1.close(), h2.close()]);
  });

  test('HTTP/1.1 and h2c with prior knowledge are served on the same port', async () => {
    const viaHttp1 = parseEcho(await send({ port, path: '/one' }));
    assert.equal(viaHttp1.url, '/one');

    const reply = await sendH2(
      session,
      { ':method': 'POST', ':path': '/two?x=1', ':authority': 'app.example:8080', 'x-client': 'h2' },
      'hello over h2',
    );
    assert.equal(reply.status, 200);
    const echo = JSON.parse(reply.body) as Echo;
    assert.equal(echo.upstream, 'h1');
    assert.equal(echo.method, 'POST');
    assert.equal(echo.url, '/two?x=1');
    assert.equal(echo.body, 'hello over h2');
    // :authority reaches an HTTP/1.1 upstream as Host; no pseudo-header leaks into its request.
    assert.equal(echo.headers.host, 'app.example:8080');
    assert.equal(echo.headers['x-client'], 'h2');
    assert.equal(echo.headers['x-forwarded-proto'], 'http');
    assert.deepEqual(
      Object.keys(echo.headers).filter((name) => name.startsWith(':')),
      [],
    );
  });

  test('an HTTP/2 request without a body reaches the upstream without one', async () => {
    const echo = JSON.parse((await sendH2(session, { ':path': '/empty' })).body) as Echo;
    assert.equal(echo.method, 'GET');
    assert.equal(echo.body, '');
    assert.equal(echo.headers['transfer-encoding'], undefined);
  });

  test('cookie lines split by an HTTP/2 client reach an HTTP/1.1 upstream as one', async () => {
    const reply = await sendH2(session, { ':path': '/cookies', cookie: ['a=1', 'b=2'] });
    assert.equal((JSON.parse(reply.body) as Echo).headers.cookie, 'a=1; b=2');
  });

  test('an HTTP/1.1 client reaches an h2c upstream', async () => {
    const echo = parseEcho(await send({ port, path: '/h2c/from-h1', headers: { host: 'app.example' } }));
    assert.equal(echo.upstream, 'h2');
    assert.equal(echo.url, '/h2c/from-h1');
    assert.equal(echo.headers.host, 'app.example');
    assert.equal(h2.versions.at(-1), '2.0');
  });

  test('an h2c client reaches an h2c upstream, and its trailers come back', async () => {
    const reply = await sendH2(session, { ':method': 'POST', ':path': '/h2c/from-h2' }, 'payload');
    const echo = JSON.parse(reply.body) as Echo;
    assert.equal(echo.upstream, 'h2');
    assert.equal(echo.body, 'payload');
    assert.equal(reply.trailers['x-echo-trailer'], 'done');
  });

  test('an HTTP/1.1 client gets the upstream trailers after a chunked body', async () => {
    const req = http.request({ host: '127.0.0.1', port, path: '/h2c/trailers', headers: { te: 'trailers' } });
    req.end();
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    res.resume();
    await once(res, 'end');
    assert.equal(res.trailers['x-echo-trailer'], 'done');
  });

  test('an HTTP/1.1 request asking to upgrade to h2c is served as HTTP/1.1', async () => {
    const reply = await send({
      port,
      path: '/upgrade',
      headers: { connection: 'upgrade, http2-settings', upgrade: 'h2c', 'http2-settings': '' },
    });
    assert.equal(reply.status, 200);
    assert.equal(parseEcho(reply).headers.upgrade, undefined);
  });

  test('a stream the client resets releases its upstream request; the session goes on', async () => {
    const stream = session.request({ ':path': '/hang' });
    stream.on('error', () => {});
    await hangArrived;
    stream.close(http2.constants.NGHTTP2_CANCEL);
    await hangClosed;
    assert.equal((await sendH2(session, { ':path': '/after-reset' })).status, 200);
  });

  test('closing the socket lets an HTTP/2 stream in flight finish', async () => {
    const closingPlane = new DataPlane({ log: quietLog });
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
    const closingPort = await freePort();
    await closingPlane.apply(
      ir(
        [httpPort(closingPort, [route('r', { backends: [toCluster('held')] })])],
        [cluster('held', upstream.port)],
      ),
    );
    const client = http2.connect(`http://127.0.0.1:${closingPort}`);
    const inFlight = sendH2(client, { ':path': '/' });
    await held;
    const closing = closingPlane.close();
    await assert.rejects(send({ port: closingPort }), { code: 'ECONNREFUSED' });
    answer();
    assert.equal((await inFlight).body, 'finished');
    await closing;
    client.close();
    await upstream.close();
  });
});

describe('HTTP/2 on HTTPS listeners', () => {
  const plane = new DataPlane({ log: quietLog });
  let dir: string;
  let one: IRCertificate;
  let two: IRCertificate;
  let port: number;
  let a: EchoUpstream;
  let b: EchoUpstream;

  function httpsPort(listenerPort: number): IRPort {
    return {
      address: '127.0.0.1',
      port: listenerPort,
      protocol: 'HTTPS',
      gateway: 'default/gw',
      listeners: [
        {
          id: 'default/gw/one',
          hostname: 'one.example',
          tls: { certificates: [one] },
          routes: [route('one', { backends: [toCluster('a')] })],
        },
        {
          id: 'default/gw/two',
          hostname: 'two.example',
          tls: { certificates: [two] },
          routes: [route('two', { backends: [toCluster('b')] })],
        },
      ],
    };
  }

  function connect(servername: string): http2.ClientHttp2Session {
    return http2.connect(`https://127.0.0.1:${port}`, { servername, ca: [one.certPem, two.certPem] });
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-h2-'));
    [one, two] = await Promise.all([
      makeCertificate(dir, 'one', ['one.example']),
      makeCertificate(dir, 'two', ['two.example']),
    ]);
    [a, b] = await Promise.all([startEchoUpstream('a'), startEchoUpstream('b')]);
    port = await freePort();
    const report = await plane.apply(ir([httpsPort(port)], [cluster('a', a.port), cluster('b', b.port)]));
    assert.deepEqual(report.failed, []);
  });

  after(async () => {
    await plane.close();
    await Promise.all([a.close(), b.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  test('ALPN picks h2 for HTTP/2 clients, and SNI the listener', async () => {
    const session = connect('two.example');
    const reply = await sendH2(session, { ':path': '/', ':authority': 'two.example' });
    assert.equal(session.alpnProtocol, 'h2');
    const echo = JSON.parse(reply.body) as Echo;
    assert.equal(echo.upstream, 'b');
    assert.equal(echo.headers['x-forwarded-proto'], 'https');
    session.close();
  });

  test('HTTP/1.1 clients still get HTTP/1.1 on the same port', async () => {
    const reply = await send({
      port,
      headers: { host: 'one.example' },
      tls: { servername: 'one.example', ca: one.certPem },
    });
    assert.equal(parseEcho(reply).upstream, 'a');
  });

  test('an h2 request for another listener than the SNI one is misdirected (421)', async () => {
    const session = connect('one.example');
    const reply = await sendH2(session, { ':path': '/', ':authority': 'two.example' });
    assert.equal(reply.status, 421);
    assert.equal(JSON.parse(reply.body).error.code, 'misdirected_request');
    // The connection stays usable for the listener it was opened for.
    const ok = await sendH2(session, { ':path': '/', ':authority': 'one.example' });
    assert.equal((JSON.parse(ok.body) as Echo).upstream, 'a');
    session.close();
  });
});
