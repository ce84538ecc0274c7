// Tests for telling whether a TLS server asks for a client certificate.

import assert from 'node:assert/strict';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { after, before, test } from 'node:test';
import { createServer, type Server } from 'node:tls';
import { TestPki } from '../../../src/dataplane/testkit-pki.ts';
import { serverRequestsClientCertificate } from './certificate-request.ts';

let pki: TestPki;
let serving: { certPem: string; keyPem: string };
const servers: Server[] = [];

before(async () => {
  pki = await TestPki.create();
  serving = await pki.leaf(await pki.authority('ca'), 'server', ['DNS:example.org']);
});

after(async () => {
  for (const server of servers) server.close();
  await pki.close();
});

async function listen(requestCert: boolean): Promise<number> {
  const server = createServer({
    cert: serving.certPem,
    key: serving.keyPem,
    requestCert,
    rejectUnauthorized: false,
  });
  server.on('tlsClientError', () => {});
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

test('a server that requests client certificates is recognised', async () => {
  assert.equal(await serverRequestsClientCertificate('127.0.0.1', await listen(true), 'example.org'), true);
});

test('a server that does not is recognised too', async () => {
  assert.equal(await serverRequestsClientCertificate('127.0.0.1', await listen(false), 'example.org'), false);
});

test('no TLS server at all is an error', async () => {
  const server = createTcpServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    await assert.rejects(serverRequestsClientCertificate('127.0.0.1', port, 'example.org'));
  } finally {
    server.close();
  }
});
