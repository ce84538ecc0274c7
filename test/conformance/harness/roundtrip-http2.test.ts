// Tests for the HTTP/2 round trippers: h2c with prior knowledge against the echo backend's h2c port,
// and HTTP/2 over TLS where the SNI and the :authority may differ (the misdirected-request case).

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { type EchoServer, startEchoServer } from '../../../src/sim/echo.ts';
import { createCertificates } from './pki.ts';
import { captureRoundTrip, type RoundTripRequest } from './roundtrip.ts';

let echo: EchoServer;
let tlsServer: Http2SecureServer;
let tlsPort: number;
let serverCertificate: string;
let certDir: string;

before(async () => {
  echo = await startEchoServer({
    host: '127.0.0.1',
    port: 0,
    h2cPort: 0,
    pod: 'infra-backend-v1-a-b',
    namespace: 'ns',
  });
  certDir = await mkdtemp(join(tmpdir(), 'sluice-roundtrip-h2-'));
  const certificate = (await createCertificates(certDir)).tlsValidityChecks;
  serverCertificate = certificate.certPem;
  // Answers what an HTTPS listener needs to see to detect a misdirected request.
  tlsServer = createSecureServer({ cert: certificate.certPem, key: certificate.keyPem }, (req, res) => {
    res.setHeader('X-Seen', `${(req.socket as TLSSocket).servername} ${req.authority}`);
    res.writeHead(421).end();
  });
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  tlsPort = (tlsServer.address() as AddressInfo).port;
});

after(async () => {
  await echo.close();
  tlsServer.close();
  await rm(certDir, { recursive: true, force: true });
});

function request(overrides: Partial<RoundTripRequest>): RoundTripRequest {
  return {
    scheme: 'http',
    address: '127.0.0.1',
    port: 0,
    path: '/h2?x=1',
    method: 'GET',
    host: 'example.com:8080',
    headers: { 'X-Echo-Set-Header': 'X-Back:1', Version: 'two' },
    ...overrides,
  };
}

test('H2C_PRIOR_KNOWLEDGE speaks HTTP/2 in cleartext and captures the echo', async () => {
  const { request: captured, response } = await captureRoundTrip(
    request({ protocol: 'H2C_PRIOR_KNOWLEDGE', port: echo.h2cPort ?? 0 }),
  );
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.headers['x-back'], ['1']);
  assert.equal(captured.protocol, 'HTTP/2.0');
  assert.equal(captured.host, 'example.com:8080');
  assert.equal(captured.path, '/h2?x=1');
  assert.deepEqual(captured.headers.Version, ['two']);
  assert.equal(captured.pod, 'infra-backend-v1-a-b');
});

test('H2 sends the SNI and the :authority it is given, and checks names as Go does', async () => {
  const h2 = (serverName: string, host: string) =>
    captureRoundTrip(
      request({
        protocol: 'H2',
        scheme: 'https',
        port: tlsPort,
        host,
        serverName,
        serverCertificate,
      }),
    );
  const { response } = await h2('third-example.wildcard.org', 'second-example.org');
  assert.equal(response.statusCode, 421);
  assert.deepEqual(response.headers['x-seen'], ['third-example.wildcard.org second-example.org']);
  await assert.rejects(h2('example.com', 'example.com'), /not valid for example\.com/);
});

test('a connection refused is an error, not a status', async () => {
  await assert.rejects(captureRoundTrip(request({ protocol: 'H2C_PRIOR_KNOWLEDGE', port: 1 })));
});
