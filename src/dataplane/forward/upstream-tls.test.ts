// TLS to backends against a real HTTPS upstream: SNI from the policy, trust from its CAs, server identity
// by name or subject alternative names, a client certificate; any failure is a 502, never plaintext.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import type { IRCluster, IRUpstreamTLS } from '../../ir/types.ts';
import { DataPlane } from '../dataplane.ts';
import {
  type EchoUpstream,
  freePort,
  httpPort,
  ir,
  prefixMatch,
  quietLog,
  route,
  send,
  startEchoUpstream,
  toCluster,
} from '../testkit.ts';
import { type CertificateAuthority, TestPki } from '../testkit-pki.ts';

/** What the HTTPS upstream saw of the gateway's connection. */
interface Seen {
  sni: string | false | null;
  client: string | null;
  host: string;
}

describe('TLS to backends', () => {
  const plane = new DataPlane({ log: quietLog });
  let pki: TestPki;
  let backendCa: CertificateAuthority;
  let otherCa: CertificateAuthority;
  let clientCa: CertificateAuthority;
  let upstream: https.Server;
  let plaintext: EchoUpstream;
  let port: number;

  before(async () => {
    pki = await TestPki.create();
    [backendCa, otherCa, clientCa] = await Promise.all([
      pki.authority('backend-ca'),
      pki.authority('other-ca'),
      pki.authority('client-ca'),
    ]);
    const serving = await pki.leaf(backendCa, 'abc.example.com', [
      'DNS:abc.example.com',
      'URI:spiffe://abc.example.com/test-identity',
      'DNS:other.example.com',
    ]);
    const gateway = await pki.leaf(clientCa, 'gateway');
    upstream = https.createServer(
      {
        cert: serving.certPem,
        key: serving.keyPem,
        ca: clientCa.certPem,
        requestCert: true,
        rejectUnauthorized: false,
      },
      (req, res) => {
        const socket = req.socket as TLSSocket;
        const peer = socket.getPeerCertificate();
        const seen: Seen = {
          sni: socket.servername,
          client: socket.authorized ? String(peer.subject.CN) : null,
          host: req.headers.host ?? '',
        };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(seen));
      },
    );
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    plaintext = await startEchoUpstream('plaintext');
    const upstreamPort = (upstream.address() as AddressInfo).port;

    const trusted = { pems: [backendCa.certPem] };
    const tls = (fields: Partial<IRUpstreamTLS> = {}): IRUpstreamTLS => ({
      serverName: 'abc.example.com',
      ca: trusted,
      ...fields,
    });
    const clusters: [string, IRUpstreamTLS, number?][] = [
      ['ok', tls()],
      ['wrong-name', tls({ serverName: 'mismatch.example.com' })],
      ['wrong-ca', tls({ ca: { pems: [otherCa.certPem] } })],
      ['system', tls({ ca: 'system' })],
      ['san-dns', tls({ subjectAltNames: [{ type: 'Hostname', value: 'other.example.com' }] })],
      ['san-dns-miss', tls({ subjectAltNames: [{ type: 'Hostname', value: 'dce.example.com' }] })],
      [
        'san-uri',
        tls({ subjectAltNames: [{ type: 'URI', value: 'spiffe://abc.example.com/test-identity' }] }),
      ],
      [
        'san-uri-miss',
        tls({ subjectAltNames: [{ type: 'URI', value: 'spiffe://def.example.com/test-identity' }] }),
      ],
      [
        'san-multi',
        tls({
          subjectAltNames: [
            { type: 'URI', value: 'spiffe://def.example.com/test-identity' },
            { type: 'Hostname', value: 'abc.example.com' },
          ],
        }),
      ],
      ['client-cert', tls({ clientCertificate: gateway })],
      ['bad-ca', tls({ ca: { pems: ['not a certificate'] } })],
      ['bad-key', tls({ clientCertificate: { certPem: gateway.certPem, keyPem: 'not a key' } })],
      ['plaintext', tls(), plaintext.port],
    ];
    const irClusters: IRCluster[] = clusters.map(([id, settings, endpointPort = upstreamPort]) => ({
      id,
      protocol: 'http1',
      endpoints: [{ address: '127.0.0.1', port: endpointPort }],
      tls: settings,
    }));
    port = await freePort();
    const routes = clusters.map(([id]) =>
      route(id, { match: prefixMatch(`/${id}`, {}), backends: [toCluster(id)] }),
    );
    assert.deepEqual((await plane.apply(ir([httpPort(port, routes)], irClusters))).failed, []);
  });

  after(async () => {
    await plane.close();
    upstream.closeAllConnections();
    upstream.close();
    await plaintext.close();
    await pki.close();
  });

  async function seen(path: string): Promise<Seen> {
    const reply = await send({ port, path, headers: { host: 'gateway.example' } });
    assert.equal(reply.status, 200, reply.body);
    return JSON.parse(reply.body) as Seen;
  }

  async function refused(path: string): Promise<string> {
    const reply = await send({ port, path, headers: { host: 'gateway.example' } });
    assert.equal(reply.status, 502, reply.body);
    const { error } = JSON.parse(reply.body);
    assert.equal(error.code, 'upstream_tls_failed');
    return error.message;
  }

  test('the policy name is the SNI, whatever the Host; the CA is trusted', async () => {
    assert.deepEqual(await seen('/ok'), { sni: 'abc.example.com', client: null, host: 'gateway.example' });
    // The same pooled connection serves another Host without reconnecting under a new name.
    const again = await send({ port, path: '/ok', headers: { host: 'elsewhere.example' } });
    assert.equal(JSON.parse(again.body).sni, 'abc.example.com');
  });

  test('a certificate for another name, or from an untrusted CA, answers 502', async () => {
    assert.match(await refused('/wrong-name'), /mismatch\.example\.com/);
    await refused('/wrong-ca');
    await refused('/system');
  });

  test('subject alternative names replace the name check: Hostname and URI, any one of them', async () => {
    assert.equal((await seen('/san-dns')).sni, 'abc.example.com');
    assert.match(await refused('/san-dns-miss'), /dce\.example\.com/);
    await seen('/san-uri');
    await refused('/san-uri-miss');
    await seen('/san-multi');
  });

  test('the client certificate is presented to the backend', async () => {
    assert.equal((await seen('/client-cert')).client, 'gateway');
  });

  test('unusable TLS material and a plaintext endpoint answer 502, never plaintext', async () => {
    assert.match(await refused('/bad-key'), /unusable TLS material/);
    await refused('/bad-ca');
    await refused('/plaintext');
    assert.equal(plaintext.seen.length, 0);
  });
});
