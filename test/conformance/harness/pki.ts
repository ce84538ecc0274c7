// The certificates upstream's suite setup creates ("programmatic resources" in `suite.go`), made with
// `openssl`, and the Secrets and ConfigMaps that carry them under upstream's names.
//
// Keys are P-256 rather than upstream's RSA-2048: every test file makes its own set, and RSA key
// generation would cost seconds per file. No test depends on the key type; names, SANs, key usages
// and who signed what are as upstream.

import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Manifest } from './manifest-store.ts';

const run = promisify(execFile);

export interface Certificate {
  certPem: string;
  keyPem: string;
}

export interface Certificates {
  /** `tls-validity-checks-certificate` (infra): self-signed, SANs `*`, `*.org`, `*.wildcard.org`. */
  tlsValidityChecks: Certificate;
  /** `certificate` (web-backend): self-signed, SAN `*`. */
  webBackend: Certificate;
  /** CA of the ConfigMap `web-backend-cm` (web-backend). */
  webBackendCa: Certificate;
  /** CA of `tls-validity-checks-ca-certificate` and its client certificate `tls-validity-checks-client-certificate`. */
  tlsValidityChecksCa: Certificate;
  tlsValidityChecksClient: Certificate;
  /** CA of `tls-validity-checks-per-port-ca-certificate` and `tls-validity-checks-per-port-client-certificate`. */
  tlsValidityChecksPerPortCa: Certificate;
  tlsValidityChecksPerPortClient: Certificate;
  /** CA of `tls-checks-ca-certificate`, which signs the backend certificates below. */
  tlsChecksCa: Certificate;
  /** `tls-checks-certificate`: the TLS backends' serving certificate. */
  tlsChecks: Certificate;
  /** `tls-checks-client-certificate`: the Gateway's client certificate towards backends. */
  tlsChecksClient: Certificate;
  /** `tls-passthrough-checks-certificate` in infra and in app-backend: SAN `abc.example.com`. */
  tlsPassthroughChecks: Certificate;
  appBackendTlsPassthroughChecks: Certificate;
  /** `tls-terminate-checks-certificate`: SAN `tls.example.com`. */
  tlsTerminateChecks: Certificate;
  /** CA of `mismatch-ca-certificate`: signs nothing, so validation against it fails. */
  mismatchCa: Certificate;
}

/** One openssl call per certificate; files go to `dir`. */
export async function createCertificates(dir: string): Promise<Certificates> {
  const issue = (name: string, profile: Profile, issuer?: Certificate) =>
    issueCertificate(dir, name, profile, issuer);
  const [
    tlsValidityChecks,
    webBackend,
    webBackendCa,
    tlsValidityChecksCa,
    perPortCa,
    tlsChecksCa,
    mismatchCa,
  ] = await Promise.all([
    issue('tls-validity-checks', selfSignedServer(['*', '*.org', '*.wildcard.org'])),
    issue('web-backend', selfSignedServer(['*'])),
    issue('web-backend-ca', authority),
    issue('tls-validity-checks-ca', authority),
    issue('tls-validity-checks-per-port-ca', authority),
    issue('tls-checks-ca', authority),
    issue('mismatch-ca', authority),
  ]);
  const [
    tlsValidityChecksClient,
    tlsValidityChecksPerPortClient,
    tlsChecks,
    tlsChecksClient,
    tlsPassthroughChecks,
    appBackendTlsPassthroughChecks,
    tlsTerminateChecks,
  ] = await Promise.all([
    issue('tls-validity-checks-client', client, tlsValidityChecksCa),
    issue('tls-validity-checks-per-port-client', client, perPortCa),
    issue(
      'tls-checks',
      server(['DNS:abc.example.com', 'URI:spiffe://abc.example.com/test-identity', 'DNS:other.example.com']),
      tlsChecksCa,
    ),
    issue('tls-checks-client', client, tlsChecksCa),
    issue('tls-passthrough-checks', server(['DNS:abc.example.com']), tlsChecksCa),
    issue('app-backend-tls-passthrough-checks', server(['DNS:abc.example.com']), tlsChecksCa),
    issue('tls-terminate-checks', server(['DNS:tls.example.com']), tlsChecksCa),
  ]);
  return {
    tlsValidityChecks,
    webBackend,
    webBackendCa,
    tlsValidityChecksCa,
    tlsValidityChecksClient,
    tlsValidityChecksPerPortCa: perPortCa,
    tlsValidityChecksPerPortClient,
    tlsChecksCa,
    tlsChecks,
    tlsChecksClient,
    tlsPassthroughChecks,
    appBackendTlsPassthroughChecks,
    tlsTerminateChecks,
    mismatchCa,
  };
}

const infra = 'gateway-conformance-infra';
const appBackend = 'gateway-conformance-app-backend';
const webBackend = 'gateway-conformance-web-backend';

/** The Secrets and ConfigMaps upstream's setup applies, under its names and namespaces. */
export function certificateObjects(certificates: Certificates): Manifest[] {
  const c = certificates;
  return [
    tlsSecret(webBackend, 'certificate', c.webBackend),
    tlsSecret(infra, 'tls-validity-checks-certificate', c.tlsValidityChecks),
    caConfigMap(webBackend, 'web-backend-cm', c.webBackendCa),
    caConfigMap(infra, 'tls-validity-checks-ca-certificate', c.tlsValidityChecksCa),
    tlsSecret(infra, 'tls-validity-checks-client-certificate', c.tlsValidityChecksClient),
    caConfigMap(infra, 'tls-validity-checks-per-port-ca-certificate', c.tlsValidityChecksPerPortCa),
    tlsSecret(infra, 'tls-validity-checks-per-port-client-certificate', c.tlsValidityChecksPerPortClient),
    caConfigMap(infra, 'tls-checks-ca-certificate', c.tlsChecksCa),
    tlsSecret(infra, 'tls-checks-certificate', c.tlsChecks),
    tlsSecret(infra, 'tls-checks-client-certificate', c.tlsChecksClient),
    tlsSecret(infra, 'tls-passthrough-checks-certificate', c.tlsPassthroughChecks),
    tlsSecret(appBackend, 'tls-passthrough-checks-certificate', c.appBackendTlsPassthroughChecks),
    tlsSecret(infra, 'tls-terminate-checks-certificate', c.tlsTerminateChecks),
    caConfigMap(infra, 'mismatch-ca-certificate', c.mismatchCa),
  ];
}

/** A `kubernetes.io/tls` Secret holding `certificate`. */
export function tlsSecret(namespace: string, name: string, certificate: Certificate): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': Buffer.from(certificate.certPem).toString('base64'),
      'tls.key': Buffer.from(certificate.keyPem).toString('base64'),
    },
  };
}

/** A ConfigMap with the CA certificate under `ca.crt`, as BackendTLSPolicy and frontend mTLS read it. */
function caConfigMap(namespace: string, name: string, authority: Certificate): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace },
    data: { 'ca.crt': authority.certPem },
  };
}

interface Profile {
  subject: string;
  /** `-addext` values. */
  extensions: string[];
}

const leafSubject = '/O=Acme Co/CN=default';

const authority: Profile = {
  subject: '/C=US/O=Kubernetes Gateway API/CN=gatewayapi',
  extensions: [
    'basicConstraints=critical,CA:TRUE',
    'keyUsage=critical,digitalSignature,keyCertSign',
    'extendedKeyUsage=clientAuth,serverAuth',
  ],
};

const client: Profile = {
  subject: leafSubject,
  extensions: [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=clientAuth',
  ],
};

function server(subjectAltNames: string[]): Profile {
  return {
    subject: leafSubject,
    extensions: [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${subjectAltNames.join(',')}`,
    ],
  };
}

/**
 * A self-signed serving certificate that clients trust directly. OpenSSL's default `req -x509` profile
 * marks it a CA as well, which OpenSSL-based clients need to accept a directly trusted self-signed
 * certificate.
 */
function selfSignedServer(hosts: string[]): Profile {
  return {
    subject: leafSubject,
    extensions: [`subjectAltName=${hosts.map((host) => `DNS:${host}`).join(',')}`],
  };
}

async function issueCertificate(
  dir: string,
  name: string,
  profile: Profile,
  issuer?: Certificate,
): Promise<Certificate> {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  const signing = issuer
    ? [
        '-CA',
        await writeIssuer(dir, name, issuer, 'crt'),
        '-CAkey',
        await writeIssuer(dir, name, issuer, 'key'),
      ]
    : [];
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '365',
    '-subj',
    profile.subject,
    ...profile.extensions.flatMap((extension) => ['-addext', extension]),
    ...signing,
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  return { certPem: await readFile(certFile, 'utf8'), keyPem: await readFile(keyFile, 'utf8') };
}

/** The issuer's PEM as a file openssl can read, beside the certificate it signs. */
async function writeIssuer(
  dir: string,
  name: string,
  issuer: Certificate,
  part: 'crt' | 'key',
): Promise<string> {
  const file = join(dir, `${name}.issuer.${part}`);
  await writeFile(file, part === 'crt' ? issuer.certPem : issuer.keyPem);
  return file;
}
