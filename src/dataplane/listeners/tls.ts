// TLS termination material: secure contexts built once per distinct certificate set and reused
// across IRs, and the per-port SNI table that picks a listener's context.

import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import type { IRCertificate, IRListener } from '../../ir/types.ts';
import { HostnameIndex } from '../hostname.ts';

/** Builds secure contexts on demand and forgets those the latest IR no longer uses. */
export class SecureContextCache {
  #current = new Map<string, SecureContext>();
  #next = new Map<string, SecureContext>();

  /** Throws when the PEM material is unusable (bad PEM, key not matching the certificate). */
  get(certificates: readonly IRCertificate[]): SecureContext {
    const key = certificateKey(certificates);
    let context = this.#next.get(key) ?? this.#current.get(key);
    context ??= createSecureContext(contextOptions(certificates));
    this.#next.set(key, context);
    return context;
  }

  /** Call once an IR is compiled: contexts it did not ask for are dropped. */
  commit(): void {
    this.#current = this.#next;
    this.#next = new Map();
  }
}

export function certificateKey(certificates: readonly IRCertificate[]): string {
  return certificates.map(({ certPem, keyPem }) => `${certPem}\0${keyPem}`).join('\0');
}

/** One context may hold several key/certificate pairs (e.g. RSA and ECDSA); the handshake picks one. */
export function contextOptions(certificates: readonly IRCertificate[]): SecureContextOptions {
  return { cert: certificates.map((c) => c.certPem), key: certificates.map((c) => c.keyPem) };
}

export interface PortTls {
  /** The context of the listener an SNI name selects (same precedence as Host selection). */
  contexts: HostnameIndex<SecureContext>;
  /** Certificates for clients that send no SNI: the hostname-less listener's, else the first usable. */
  fallback: readonly IRCertificate[];
}

export interface PortTlsResult {
  tls: PortTls | null;
  /** Listeners whose certificates could not be loaded, with why. */
  problems: string[];
}

/** Null `tls` when no listener of the port has usable certificates. */
export function compilePortTls(listeners: readonly IRListener[], cache: SecureContextCache): PortTlsResult {
  const problems: string[] = [];
  const usable: { listener: IRListener; context: SecureContext; certificates: IRCertificate[] }[] = [];
  for (const listener of listeners) {
    const certificates = listener.tls?.certificates ?? [];
    if (certificates.length === 0) {
      problems.push(`listener ${listener.id} has no TLS certificate`);
      continue;
    }
    try {
      usable.push({ listener, context: cache.get(certificates), certificates });
    } catch (error) {
      problems.push(
        `listener ${listener.id}: unusable TLS certificate: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (usable.length === 0) return { tls: null, problems };
  const fallback = usable.find((entry) => entry.listener.hostname === null) ?? usable[0];
  return {
    tls: {
      contexts: new HostnameIndex(usable.map((entry) => [entry.listener.hostname, entry.context] as const)),
      fallback: fallback.certificates,
    },
    problems,
  };
}
