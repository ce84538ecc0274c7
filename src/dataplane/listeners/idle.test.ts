// Client idle timeout: keep-alive HTTP/1.1 connections and HTTP/2 sessions with nothing in flight are
// closed after it, and an HTTP/2 stream that stays quiet keeps its session open.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import http2 from 'node:http2';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataPlane } from '../dataplane.ts';
import {
  cluster,
  type EchoUpstream,
  freePort,
  httpPort,
  ir,
  quietLog,
  route,
  startEchoUpstream,
  toCluster,
} from '../testkit.ts';

/** Short enough for a test; the assertions never depend on how long it really takes. */
const idleTimeoutMs = 100;

/** Sends one HTTP/1.1 request on a raw keep-alive connection; resolves with the response head and the socket. */
async function requestOnce(port: number) {
  const socket = connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  socket.setEncoding('latin1');
  socket.write('GET / HTTP/1.1\r\nhost: idle.example\r\n\r\n');
  let received = '';
  while (!received.includes('\r\n\r\n')) {
    const [chunk] = (await once(socket, 'data')) as [string];
    received += chunk;
  }
  return { head: received.slice(0, received.indexOf('\r\n\r\n')), socket };
}

async function startPlane(options: { clientIdleTimeoutMs?: number }, upstream: EchoUpstream) {
  const plane = new DataPlane({ log: quietLog, ...options });
  const port = await freePort();
  await plane.apply(
    ir([httpPort(port, [route('r', { backends: [toCluster('echo')] })])], [cluster('echo', upstream.port)]),
  );
  return { plane, port };
}

describe('client idle timeout', () => {
  let upstream: EchoUpstream;
  /** Answers the held `/quiet` request. */
  let release: () => void = () => {};
  let quietArrived: Promise<void>;

  before(async () => {
    let arrived: () => void = () => {};
    quietArrived = new Promise((resolve) => {
      arrived = resolve;
    });
    upstream = await startEchoUpstream('echo', (req, res) => {
      if (req.url !== '/quiet') return false;
      release = () => res.end('late answer');
      arrived();
      return true;
    });
  });

  after(async () => {
    await upstream.close();
  });

  test('a keep-alive HTTP/1.1 connection with no request in flight is closed after the idle timeout', async () => {
    const { plane, port } = await startPlane({ clientIdleTimeoutMs: idleTimeoutMs }, upstream);
    const { head, socket } = await requestOnce(port);
    assert.match(head, /^HTTP\/1\.1 200/);
    assert.match(head, /\r\nconnection: keep-alive\r\n/i);
    await once(socket, 'close');
    await plane.close();
  });

  test('by default an idle connection stays open for an hour, as the Keep-Alive header tells clients', async () => {
    const { plane, port } = await startPlane({}, upstream);
    const { head, socket } = await requestOnce(port);
    assert.match(head, /\r\nkeep-alive: timeout=3600\r\n/i);
    socket.destroy();
    await plane.close();
  });

  test('an HTTP/2 session with no stream open gets a GOAWAY after the idle timeout', async () => {
    const { plane, port } = await startPlane({ clientIdleTimeoutMs: idleTimeoutMs }, upstream);
    const session = http2.connect(`http://127.0.0.1:${port}`);
    const stream = session.request({ ':path': '/', ':authority': 'idle.example' });
    const [headers] = (await once(stream, 'response')) as [http2.IncomingHttpHeaders];
    assert.equal(headers[':status'], 200);
    stream.resume();
    await once(stream, 'end');
    await once(session, 'goaway');
    await once(session, 'close');
    await plane.close();
  });

  test('a quiet HTTP/2 stream keeps its session open past the idle timeout', async () => {
    const { plane, port } = await startPlane({ clientIdleTimeoutMs: idleTimeoutMs }, upstream);
    const session = http2.connect(`http://127.0.0.1:${port}`);
    let goaway = false;
    session.on('goaway', () => {
      goaway = true;
    });
    const stream = session.request({ ':path': '/quiet', ':authority': 'idle.example' });
    stream.setEncoding('utf8');
    await quietArrived;
    // Several idle timeouts without a frame on the session while the call waits for its answer.
    await sleep(4 * idleTimeoutMs);
    assert.equal(goaway, false);
    release();
    let body = '';
    for await (const chunk of stream) body += chunk;
    assert.equal(body, 'late answer');
    // Once the stream is done, the session is idle and goes.
    await once(session, 'close');
    assert.equal(goaway, true);
    await plane.close();
  });
});
