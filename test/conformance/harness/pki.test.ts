// Tests for the suite's certificates: upstream's SANs and key usages, who signed what, and the objects
// that carry them.

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Certificates, certificateObjects, createCertificates } from './pki.ts';

let dir: string;
let certificates: Certificates;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-pki-'));
  certificates = await createCertificates(dir);
});

after(() => rm(dir, { recursive: true, force: true }));

const x509 = (pem: string) => new X509Certificate(pem);

test('serving certificates carry the SANs of upstream', () => {
  assert.equal(
    x509(certificates.tlsValidityChecks.certPem).subjectAltName,
    'DNS:*, DNS:*.org, DNS:*.wildcard.org',
  );
  assert.equal(x509(certificates.webBackend.certPem).subjectAltName, 'DNS:*');
  assert.equal(
    x509(certificates.tlsChecks.certPem).subjectAltName,
    'DNS:abc.example.com, URI:spiffe://abc.example.com/test-identity, DNS:other.example.com',
  );
  assert.equal(x509(certificates.tlsPassthroughChecks.certPem).subjectAltName, 'DNS:abc.example.com');
  assert.equal(x509(certificates.tlsTerminateChecks.certPem).subjectAltName, 'DNS:tls.example.com');
});

test('each CA signs its own leaves only', () => {
  const signedBy = (leaf: string, ca: string) => x509(leaf).verify(x509(ca).publicKey);
  const c = certificates;
  assert.ok(signedBy(c.tlsValidityChecksClient.certPem, c.tlsValidityChecksCa.certPem));
  assert.ok(signedBy(c.tlsValidityChecksPerPortClient.certPem, c.tlsValidityChecksPerPortCa.certPem));
  assert.ok(!signedBy(c.tlsValidityChecksPerPortClient.certPem, c.tlsValidityChecksCa.certPem));
  for (const leaf of [c.tlsChecks, c.tlsChecksClient, c.tlsPassthroughChecks, c.tlsTerminateChecks]) {
    assert.ok(signedBy(leaf.certPem, c.tlsChecksCa.certPem));
    assert.ok(!signedBy(leaf.certPem, c.mismatchCa.certPem));
  }
  assert.ok(x509(c.tlsChecksCa.certPem).ca);
  assert.ok(!x509(c.tlsChecks.certPem).ca);
});

test('client certificates are for client authentication and name no host', () => {
  const client = x509(certificates.tlsChecksClient.certPem);
  assert.equal(client.subjectAltName, undefined);
  assert.deepEqual(client.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  assert.deepEqual(x509(certificates.tlsChecks.certPem).keyUsage, ['1.3.6.1.5.5.7.3.1']);
});

test('certificates land in upstream-named Secrets and CA ConfigMaps', () => {
  const objects = certificateObjects(certificates);
  const names = objects.map(
    (object) => `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`,
  );
  assert.ok(names.includes('Secret gateway-conformance-infra/tls-checks-certificate'));
  assert.ok(names.includes('Secret gateway-conformance-app-backend/tls-passthrough-checks-certificate'));
  assert.ok(names.includes('ConfigMap gateway-conformance-web-backend/web-backend-cm'));
  const caMap = objects.find((object) => object.metadata.name === 'tls-checks-ca-certificate');
  assert.deepEqual(caMap?.data, { 'ca.crt': certificates.tlsChecksCa.certPem });
  const secret = objects.find((object) => object.metadata.name === 'tls-checks-client-certificate');
  assert.equal(secret?.type, 'kubernetes.io/tls');
  const data = secret?.data as Record<string, string>;
  assert.equal(Buffer.from(data['tls.crt'], 'base64').toString(), certificates.tlsChecksClient.certPem);
});
