// Test support for TLS suites: a throwaway PKI made with openssl in a temp dir — certificate authorities
// and the leaf certificates they sign (server or client, with chosen subject alternative names). Used
// only by tests.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { IRCertificate } from '../ir/types.ts';

const run = promisify(execFile);

export interface CertificateAuthority extends IRCertificate {
  name: string;
}

/** A directory of generated keys and certificates, removed by `close`. */
export class TestPki {
  readonly #dir: string;
  #serial = 1;

  private constructor(dir: string) {
    this.#dir = dir;
  }

  static async create(): Promise<TestPki> {
    return new TestPki(await mkdtemp(join(tmpdir(), 'sluice-pki-')));
  }

  async authority(name: string): Promise<CertificateAuthority> {
    const { key, cert } = this.#paths(name);
    await run('openssl', [
      'req',
      '-x509',
      ...newKey(key),
      '-days',
      '1',
      '-out',
      cert,
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    return { name, ...(await this.#read(name)) };
  }

  /**
   * A certificate for `commonName` signed by `ca`, valid for servers and clients. `altNames` are openssl
   * subjectAltName entries (`DNS:a.example`, `URI:spiffe://a/b`); none: no SAN extension.
   */
  async leaf(ca: CertificateAuthority, commonName: string, altNames: string[] = []): Promise<IRCertificate> {
    const name = `${commonName.replace(/[^a-z0-9]/gi, '_')}-${this.#serial}`;
    const { key, cert } = this.#paths(name);
    const csr = join(this.#dir, `${name}.csr`);
    const extensions = join(this.#dir, `${name}.ext`);
    const authority = this.#paths(ca.name);
    await run('openssl', ['req', ...newKey(key), '-out', csr, '-subj', `/CN=${commonName}`]);
    await writeFile(
      extensions,
      [
        'basicConstraints=CA:FALSE',
        'extendedKeyUsage=serverAuth,clientAuth',
        ...(altNames.length === 0 ? [] : [`subjectAltName=${altNames.join(',')}`]),
      ].join('\n'),
    );
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      authority.cert,
      '-CAkey',
      authority.key,
      '-set_serial',
      String(this.#serial++),
      '-days',
      '1',
      '-extfile',
      extensions,
      '-out',
      cert,
    ]);
    return this.#read(name);
  }

  async close(): Promise<void> {
    await rm(this.#dir, { recursive: true, force: true });
  }

  #paths(name: string): { key: string; cert: string } {
    return { key: join(this.#dir, `${name}.key`), cert: join(this.#dir, `${name}.crt`) };
  }

  async #read(name: string): Promise<IRCertificate> {
    const { key, cert } = this.#paths(name);
    return { certPem: await readFile(cert, 'utf8'), keyPem: await readFile(key, 'utf8') };
  }
}

/** EC keys: quick to make, and as good as RSA for these tests. */
function newKey(keyPath: string): string[] {
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath];
}
