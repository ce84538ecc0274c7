// Tests for the round tripper: what it captures over HTTP, how it splits a redirect, and the Go-style
// certificate name check over HTTPS.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type EchoServer, startEchoServer } from '../../../src/sim/echo.ts';
import { type Certificate, createCertificates } from './pki.ts';
import { captureRoundTrip, type RoundTripRequest } from './roundtrip.ts';

let echo: EchoServer;
let certificate: Certificate;
let certDir: string;
const servers: Server[] = [];

before(async () => {
  echo = await startEchoServer({ host: '127.0.0.1', port: 0, pod: 'web-backend-abc-def', namespace: 'ns' });
  certDir = await mkdtemp(join(tmpdir(), 'sluice-roundtrip-'));
  certificate = (await createCertificates(certDir)).tlsValidityChecks;
});

after(async () => {
  await echo.close();
  for (const server of servers) server.close();
  await rm(certDir, { recursive: true, force: true });
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function request(port: number, overrides: Partial<RoundTripRequest> = {}): RoundTripRequest {
  return {
    scheme: 'http',
    address: '127.0.0.1',
    port,
    path: '/a?b=c',
    method: 'GET',
    host: 'example.com:1234',
    headers: { 'X-Echo-Set-Header': 'X-Back:1', Version: 'two' },
    ...overrides,
  };
}

test('captures what the echo backend saw and what the client got', async () => {
  const { request: captured, response } = await captureRoundTrip(request(echo.port));
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.headers['x-back'], ['1']);
  assert.equal(captured.path, '/a?b=c');
  assert.equal(captured.host, 'example.com:1234');
  assert.equal(captured.method, 'GET');
  assert.equal(captured.namespace, 'ns');
  assert.equal(captured.pod, 'web-backend-abc-def');
  assert.deepEqual(captured.headers.Version, ['two']);
  assert.deepEqual(captured.headers.Connection, ['close']);
});

test('a non-JSON answer captures only the method', async () => {
  const { request: captured, response } = await captureRoundTrip(request(echo.port, { path: '/status/404' }));
  assert.equal(response.statusCode, 404);
  assert.equal(captured.method, 'GET');
  assert.equal(captured.path, '');
  assert.equal(captured.pod, '');
});

test('a redirect is split into scheme, host, port and unescaped path', async () => {
  const redirecting: RequestListener = (_req, res) => {
    res.writeHead(302, { Location: 'http://example.org/x%20y?q=1' }).end();
  };
  const port = await listen(createHttpServer(redirecting));
  const { response } = await captureRoundTrip(request(port));
  assert.deepEqual(response.redirectRequest, { scheme: 'http', host: 'example.org', port: '', path: '/x y' });
});

test('HTTPS trusts the given certificate and checks names as Go does (*.org is allowed)', async () => {
  const port = await listen(
    createHttpsServer({ cert: certificate.certPem, key: certificate.keyPem }, (_req, res) => res.end('ok')),
  );
  const tls = (serverName: string) =>
    captureRoundTrip(
      request(port, {
        scheme: 'https',
        host: serverName,
        serverName,
        serverCertificate: certificate.certPem,
      }),
    );
  assert.equal((await tls('example.org')).response.statusCode, 200);
  assert.equal((await tls('a.wildcard.org')).response.statusCode, 200);
  await assert.rejects(tls('example.com'), /not valid for example\.com/);
  await assert.rejects(tls('a.b.wildcard.org'), /not valid/);
});
