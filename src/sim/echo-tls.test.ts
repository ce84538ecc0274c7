// Tests for the echo backend's HTTPS port: the TLS details it reports, HTTP/2 by ALPN, and client
// certificates verified only when given.

import assert from 'node:assert/strict';
import { connect } from 'node:http2';
import { Agent, request } from 'node:https';
import { after, before, test } from 'node:test';
import { TestPki } from '../dataplane/testkit-pki.ts';
import type { IRCertificate } from '../ir/types.ts';
import { type EchoServer, startEchoServer } from './echo.ts';

let pki: TestPki;
let echo: EchoServer;
let ca: IRCertificate;
let client: IRCertificate;
let stranger: IRCertificate;

before(async () => {
  pki = await TestPki.create();
  const authority = await pki.authority('tls-checks-ca');
  const otherAuthority = await pki.authority('other-ca');
  ca = authority;
  const server = await pki.leaf(authority, 'default', ['DNS:abc.example.com']);
  client = await pki.leaf(authority, 'client');
  stranger = await pki.leaf(otherAuthority, 'stranger');
  echo = await startEchoServer({
    host: '127.0.0.1',
    port: 0,
    pod: 'tls-backend-abc-def',
    namespace: 'gateway-conformance-infra',
    https: { port: 0, certPem: server.certPem, keyPem: server.keyPem, clientCaPem: authority.certPem },
  });
});

after(async () => {
  await echo.close();
  await pki.close();
});

/** One HTTPS/1.1 request with SNI abc.example.com; resolves with the echoed JSON. */
function get(clientCertificate?: IRCertificate): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: echo.httpsPort,
      path: '/tls?x=1',
      servername: 'abc.example.com',
      ca: ca.certPem,
      // Node's HTTPS client offers no ALPN unless told to.
      agent: new Agent({ ALPNProtocols: ['http/1.1'] }),
      ...(clientCertificate ? { cert: clientCertificate.certPem, key: clientCertificate.keyPem } : {}),
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
    });
    req.on('error', reject);
    req.end();
  });
}

test('an HTTPS request is echoed with the TLS version, SNI, ALPN and cipher suite', async () => {
  const echoed = await get();
  assert.equal(echoed.path, '/tls?x=1');
  assert.equal(echoed.proto, 'HTTP/1.1');
  assert.equal(echoed.pod, 'tls-backend-abc-def');
  const tls = echoed.tls as Record<string, unknown>;
  assert.equal(tls.version, 'TLSv1.3');
  assert.equal(tls.serverName, 'abc.example.com');
  assert.equal(tls.negotiatedProtocol, 'http/1.1');
  assert.match(String(tls.cipherSuite), /^TLS_/);
  assert.equal(tls.peerCertificates, undefined);
});

test('a client certificate from the client CA is reported as PEM, byte for byte', async () => {
  const tls = (await get(client)).tls as Record<string, unknown>;
  assert.deepEqual(tls.peerCertificates, [client.certPem]);
});

test('a client certificate from another CA is refused', async () => {
  await assert.rejects(get(stranger));
});

test('HTTP/2 is chosen by ALPN and reported', async () => {
  const session = connect(`https://127.0.0.1:${echo.httpsPort}`, {
    servername: 'abc.example.com',
    ca: ca.certPem,
  });
  try {
    const body = await new Promise<string>((resolve, reject) => {
      const stream = session.request({ ':path': '/h2', ':authority': 'abc.example.com' });
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => resolve(Buffer.concat(chunks).toString()));
      stream.on('error', reject);
    });
    const echoed = JSON.parse(body);
    assert.equal(echoed.proto, 'HTTP/2.0');
    assert.equal(echoed.host, 'abc.example.com');
    assert.equal(echoed.tls.negotiatedProtocol, 'h2');
  } finally {
    session.close();
  }
});

test('the plain HTTP port reports no TLS', async () => {
  const response = await fetch(`http://127.0.0.1:${echo.port}/plain`);
  const echoed = (await response.json()) as Record<string, unknown>;
  assert.equal('tls' in echoed, false);
});
