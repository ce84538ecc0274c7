// HTTPS termination: SNI picks the listener and its certificate; Host must agree with SNI.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { IR, IRCertificate, IRPort } from '../../ir/types.ts';
import { DataPlane } from '../dataplane.ts';
import {
  cluster,
  type EchoUpstream,
  freePort,
  httpPort,
  ir,
  makeCertificate,
  parseEcho,
  quietLog,
  route,
  send,
  startEchoUpstream,
  toCluster,
} from '../testkit.ts';

/** Sends over TLS (`servername` '' sends no SNI) and reports the CN of the certificate the server presented. */
async function sendTls(
  port: number,
  servername: string,
  host: string,
  ca: string[],
): Promise<{ status: number; cn: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        servername,
        headers: { host },
        ca,
        agent: false,
        // Without SNI the name to check is the IP address, which no test certificate names.
        ...(servername === '' ? { checkServerIdentity: () => undefined } : {}),
      },
      (res) => {
        const peer = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            cn: String(peer.subject.CN),
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS listeners', () => {
  const plane = new DataPlane({ log: quietLog });
  let dir: string;
  let one: IRCertificate;
  let two: IRCertificate;
  let ca: string[];
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
          hostname: '*.two.example',
          tls: { certificates: [two] },
          routes: [route('two', { backends: [toCluster('b')] })],
        },
      ],
    };
  }

  function config(ports: IRPort[]): IR {
    return ir(ports, [cluster('a', a.port), cluster('b', b.port)]);
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-tls-'));
    [one, two] = await Promise.all([
      makeCertificate(dir, 'one', ['one.example']),
      makeCertificate(dir, 'two', ['*.two.example']),
    ]);
    ca = [one.certPem, two.certPem];
    [a, b] = await Promise.all([startEchoUpstream('a'), startEchoUpstream('b')]);
    port = await freePort();
    assert.deepEqual((await plane.apply(config([httpsPort(port)]))).failed, []);
  });

  after(async () => {
    await plane.close();
    await Promise.all([a.close(), b.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  test('SNI picks the exact listener and its certificate', async () => {
    const reply = await sendTls(port, 'one.example', 'one.example', ca);
    assert.equal(reply.cn, 'one.example');
    assert.equal(parseEcho({ status: reply.status, headers: {}, body: reply.body }).upstream, 'a');
  });

  test('SNI picks the wildcard listener for a host under it', async () => {
    const reply = await sendTls(port, 'sub.two.example', 'sub.two.example:443', ca);
    assert.equal(reply.cn, '*.two.example');
    const echo = parseEcho({ status: reply.status, headers: {}, body: reply.body });
    assert.equal(echo.upstream, 'b');
    assert.equal(echo.headers['x-forwarded-proto'], 'https');
  });

  test('a client without SNI gets the fallback certificate and is routed by Host', async () => {
    const reply = await sendTls(port, '', 'sub.two.example', ca);
    assert.equal(reply.cn, 'one.example');
    assert.equal(reply.status, 200);
    assert.equal(parseEcho({ status: reply.status, headers: {}, body: reply.body }).upstream, 'b');
  });

  test('a Host of another listener than the SNI one is misdirected (421)', async () => {
    const reply = await sendTls(port, 'one.example', 'x.two.example', ca);
    assert.equal(reply.status, 421);
    assert.equal(JSON.parse(reply.body).error.code, 'misdirected_request');
  });

  test('a Host no listener accepts is not found (404)', async () => {
    const reply = await sendTls(port, 'one.example', 'unknown.example', ca);
    assert.equal(reply.status, 404);
  });

  test('a port changing from HTTP to HTTPS is rebound with TLS', async () => {
    const changing = await freePort();
    const plain = httpPort(changing, [route('plain', { backends: [toCluster('a')] })]);
    assert.deepEqual((await plane.apply(config([httpsPort(port), plain]))).failed, []);
    assert.equal((await send({ port: changing })).status, 200);
    assert.deepEqual((await plane.apply(config([httpsPort(port), httpsPort(changing)]))).failed, []);
    const reply = await sendTls(changing, 'x.two.example', 'x.two.example', ca);
    assert.equal(reply.cn, '*.two.example');
    assert.equal(reply.status, 200);
  });

  test('a listener with a broken certificate is reported; the socket serves the others', async () => {
    const broken = httpsPort(port);
    broken.listeners[1] = {
      ...broken.listeners[1],
      tls: { certificates: [{ certPem: 'nope', keyPem: 'nope' }] },
    };
    const report = await plane.apply(config([broken]));
    assert.equal(report.failed.length, 1);
    assert.match(report.failed[0].message, /default\/gw\/two/);
    assert.equal((await sendTls(port, 'one.example', 'one.example', ca)).status, 200);
    await plane.apply(config([httpsPort(port)]));
  });
});
