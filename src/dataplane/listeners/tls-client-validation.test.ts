// Frontend mTLS per listener on one HTTPS socket: AllowValidOnly closes connections without a valid
// client certificate, AllowInsecureFallback takes any, each listener checks against its own CAs.

import assert from 'node:assert/strict';
import http2 from 'node:http2';
import https from 'node:https';
import { after, before, describe, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import type { IRCertificate, IRClientValidation, IRListener, IRPort } from '../../ir/types.ts';
import { DataPlane } from '../dataplane.ts';
import {
  cluster,
  type EchoUpstream,
  freePort,
  ir,
  quietLog,
  route,
  startEchoUpstream,
  toCluster,
} from '../testkit.ts';
import { type CertificateAuthority, TestPki } from '../testkit-pki.ts';

interface TlsRequest {
  port: number;
  /** SNI name; '' sends none. */
  servername: string;
  host?: string;
  client?: IRCertificate;
  agent?: https.Agent;
}

/** One HTTPS request; rejects when the connection is refused or cut. */
function sendTls(request: TlsRequest, serverCa: string): Promise<{ status: number; resumed: boolean }> {
  const { port, servername, host = servername, client, agent = false } = request;
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        servername,
        headers: { host },
        ca: serverCa,
        agent,
        ...(client === undefined ? {} : { cert: client.certPem, key: client.keyPem }),
        // Without SNI the name to check is the IP address, which the test certificate does not name.
        ...(servername === '' ? { checkServerIdentity: () => undefined } : {}),
      },
      (res) => {
        const resumed = (res.socket as TLSSocket).isSessionReused();
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, resumed }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('frontend mTLS', () => {
  const plane = new DataPlane({ log: quietLog });
  let pki: TestPki;
  let serverCa: CertificateAuthority;
  let clientCa: CertificateAuthority;
  let otherCa: CertificateAuthority;
  let server: IRCertificate;
  let client: IRCertificate;
  let other: IRCertificate;
  let upstream: EchoUpstream;
  let port: number;

  function listener(name: string, hostname: string | null, validation?: IRClientValidation): IRListener {
    return {
      id: `default/gw/${name}`,
      hostname,
      tls: { certificates: [server], ...(validation === undefined ? {} : { clientValidation: validation }) },
      routes: [route(name, { backends: [toCluster('echo')] })],
    };
  }

  function httpsPort(listenerPort: number, listeners: IRListener[]): IRPort {
    return { address: '127.0.0.1', port: listenerPort, protocol: 'HTTPS', gateway: 'default/gw', listeners };
  }

  const validOnly = (ca: CertificateAuthority): IRClientValidation => ({
    caPems: [ca.certPem],
    mode: 'AllowValidOnly',
  });

  before(async () => {
    pki = await TestPki.create();
    [serverCa, clientCa, otherCa] = await Promise.all([
      pki.authority('server-ca'),
      pki.authority('client-ca'),
      pki.authority('other-ca'),
    ]);
    server = await pki.leaf(serverCa, 'gateway', [
      'DNS:valid.example',
      'DNS:lenient.example',
      'DNS:other.example',
      'DNS:open.example',
    ]);
    client = await pki.leaf(clientCa, 'client');
    other = await pki.leaf(otherCa, 'stranger');
    upstream = await startEchoUpstream('echo');
    port = await freePort();
    const report = await plane.apply(
      ir(
        [
          httpsPort(port, [
            listener('valid', 'valid.example', validOnly(clientCa)),
            listener('lenient', 'lenient.example', {
              caPems: [clientCa.certPem],
              mode: 'AllowInsecureFallback',
            }),
            listener('other', 'other.example', validOnly(otherCa)),
            listener('open', null),
          ]),
        ],
        [cluster('echo', upstream.port)],
      ),
    );
    assert.deepEqual(report.failed, []);
  });

  after(async () => {
    await plane.close();
    await upstream.close();
    await pki.close();
  });

  const to = (servername: string, fields: Partial<TlsRequest> = {}) =>
    sendTls({ port, servername, ...fields }, serverCa.certPem);

  test('AllowValidOnly serves a valid client certificate and cuts connections without one', async () => {
    assert.equal((await to('valid.example', { client })).status, 200);
    await assert.rejects(to('valid.example', { client: other }));
    await assert.rejects(to('valid.example'));
  });

  test('HTTP/2 connections are validated the same way', async () => {
    const h2 = (presented: IRCertificate | undefined) =>
      new Promise<number>((resolve, reject) => {
        const session = http2.connect(`https://127.0.0.1:${port}`, {
          servername: 'valid.example',
          ca: serverCa.certPem,
          ...(presented === undefined ? {} : { cert: presented.certPem, key: presented.keyPem }),
        });
        session.on('error', reject);
        const stream = session.request({ ':path': '/', ':authority': 'valid.example' });
        let status = 0;
        stream.on('response', (headers) => {
          status = Number(headers[':status']);
        });
        stream.resume();
        // A cut connection ends the stream without an error event: only its missing status tells.
        stream.on('close', () => {
          session.close();
          if (status === 0) reject(new Error(`stream closed with code ${stream.rstCode}`));
          else resolve(status);
        });
        stream.end();
      });
    assert.equal(await h2(client), 200);
    await assert.rejects(h2(undefined));
  });

  test('AllowInsecureFallback serves valid, invalid and missing client certificates', async () => {
    for (const presented of [client, other, undefined]) {
      assert.equal((await to('lenient.example', { client: presented })).status, 200);
    }
  });

  test('each listener checks against its own CAs; one without validation serves clients without certificates', async () => {
    assert.equal((await to('other.example', { client: other })).status, 200);
    await assert.rejects(to('other.example', { client }));
    assert.equal((await to('open.example')).status, 200);
  });

  test('a connection that did not pass a listener validation cannot reach it by Host (421)', async () => {
    // Without SNI the handshake is the hostname-less listener's, which asks for no validation.
    const reply = await to('', { host: 'valid.example', client });
    assert.equal(reply.status, 421);
  });

  test('sessions do not resume on a port that validates client certificates', async () => {
    for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
      const agent = new https.Agent({ keepAlive: false, maxVersion });
      try {
        assert.equal((await to('valid.example', { client, agent })).status, 200);
        const again = await to('valid.example', { client, agent });
        assert.equal(again.status, 200);
        assert.equal(again.resumed, false, maxVersion);
      } finally {
        agent.destroy();
      }
    }
  });

  test('turning validation on for a port rebinds it and applies at once', async () => {
    const changing = await freePort();
    const open = ir([httpsPort(changing, [listener('plain', null)])], [cluster('echo', upstream.port)]);
    assert.deepEqual((await plane.apply(open)).failed, []);
    assert.equal(
      (await sendTls({ port: changing, servername: 'valid.example' }, serverCa.certPem)).status,
      200,
    );
    const strict = ir(
      [httpsPort(changing, [listener('plain', null, validOnly(clientCa))])],
      [cluster('echo', upstream.port)],
    );
    assert.deepEqual((await plane.apply(strict)).failed, []);
    await assert.rejects(sendTls({ port: changing, servername: 'valid.example' }, serverCa.certPem));
    const served = await sendTls({ port: changing, servername: 'valid.example', client }, serverCa.certPem);
    assert.equal(served.status, 200);
  });

  test('a validation without CA certificates keeps the listener out of service', async () => {
    const changing = await freePort();
    const report = await plane.apply(
      ir(
        [
          httpsPort(changing, [
            listener('empty', 'valid.example', { caPems: [], mode: 'AllowValidOnly' }),
            listener('open', null),
          ]),
        ],
        [cluster('echo', upstream.port)],
      ),
    );
    assert.equal(report.failed.length, 1);
    assert.match(report.failed[0].message, /no CA certificate/);
  });
});
