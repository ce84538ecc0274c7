// TLS termination material: secure contexts built once per distinct listener TLS setting and reused
// across IRs, the per-port SNI table that picks a listener's context, and frontend mTLS: which
// connections must have presented a valid client certificate, and for which listeners.

import { constants } from 'node:crypto';
import { createSecureContext, type SecureContext, type SecureContextOptions, type TLSSocket } from 'node:tls';
import type { IRListener, IRListenerTLS } from '../../ir/types.ts';
import { HostnameIndex } from '../hostname.ts';

/** Builds secure contexts on demand and forgets those the latest IR no longer uses. */
export class SecureContextCache {
  #current = new Map<string, SecureContext>();
  #next = new Map<string, SecureContext>();

  /** Throws when the PEM material is unusable (bad PEM, key not matching the certificate). */
  get(tls: IRListenerTLS): SecureContext {
    const key = certificateKey(tls);
    let context = this.#next.get(key) ?? this.#current.get(key);
    context ??= createSecureContext(contextOptions(tls));
    this.#next.set(key, context);
    return context;
  }

  /** Call once an IR is compiled: contexts it did not ask for are dropped. */
  commit(): void {
    this.#current = this.#next;
    this.#next = new Map();
  }
}

/** Identifies a listener's TLS setting: its key pairs and, with frontend mTLS, the CAs and the mode. */
export function certificateKey(tls: IRListenerTLS): string {
  const pairs = tls.certificates.map(({ certPem, keyPem }) => `${certPem}\0${keyPem}`).join('\0');
  const validation = tls.clientValidation;
  return validation === undefined ? pairs : `${pairs}\0${validationKey(validation)}`;
}

/**
 * One context may hold several key/certificate pairs (e.g. RSA and ECDSA); the handshake picks one. With
 * frontend mTLS the context carries the CAs client certificates are checked against.
 */
export function contextOptions(tls: IRListenerTLS): SecureContextOptions {
  const validation = tls.clientValidation;
  return {
    cert: tls.certificates.map((c) => c.certPem),
    key: tls.certificates.map((c) => c.keyPem),
    ...(validation === undefined ? {} : { ca: validation.caPems }),
  };
}

/**
 * The server's own context: the fallback listener's, and where client certificates are asked for, no
 * session resumption. A resumed session skips both the SNI listener choice and the certificate check,
 * carrying the verdict of whichever listener's handshake made it (and TLS 1.2 resumptions lose the SNI
 * name); sessions resume only through tickets of this context, so turning them off turns them all off.
 */
export function serverContextOptions(tls: PortTls): SecureContextOptions {
  const options = contextOptions(tls.fallback);
  return tls.requestCert ? { ...options, secureOptions: constants.SSL_OP_NO_TICKET } : options;
}

function validationKey(validation: NonNullable<IRListenerTLS['clientValidation']>): string {
  return `${validation.mode}\0${validation.caPems.join('\0')}`;
}

export interface PortTls {
  /** The context of the listener an SNI name selects (same precedence as Host selection). */
  contexts: HostnameIndex<SecureContext>;
  /** TLS of clients that send no SNI: the hostname-less listener's, else the first usable. */
  fallback: IRListenerTLS;
  /** Clients are asked for a certificate on this port: one of its listeners validates them. */
  requestCert: boolean;
  /** The id of the listener an SNI name selects, and of the one clients without SNI get. */
  listenerIds: HostnameIndex<string>;
  fallbackId: string;
  /**
   * `AllowValidOnly` listeners by id, to the key of their validation: their connections are closed
   * after the handshake without a valid client certificate, and serve only listeners of the same key.
   */
  validOnly: ReadonlyMap<string, string>;
}

export interface PortTlsResult {
  tls: PortTls | null;
  /** Listeners whose TLS material could not be loaded, with why. */
  problems: string[];
}

/** Null `tls` when no listener of the port has usable certificates. */
export function compilePortTls(listeners: readonly IRListener[], cache: SecureContextCache): PortTlsResult {
  const problems: string[] = [];
  const usable: { listener: IRListener; tls: IRListenerTLS; context: SecureContext }[] = [];
  for (const listener of listeners) {
    const tls = listener.tls;
    if (tls === undefined || tls.certificates.length === 0) {
      problems.push(`listener ${listener.id} has no TLS certificate`);
      continue;
    }
    // Without a CA, node would check client certificates against the public roots: fail closed instead.
    if (tls.clientValidation !== undefined && tls.clientValidation.caPems.length === 0) {
      problems.push(`listener ${listener.id}: client certificate validation has no CA certificate`);
      continue;
    }
    try {
      usable.push({ listener, tls, context: cache.get(tls) });
    } catch (error) {
      problems.push(
        `listener ${listener.id}: unusable TLS material: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (usable.length === 0) return { tls: null, problems };
  const fallback = usable.find((entry) => entry.listener.hostname === null) ?? usable[0];
  const validOnly = new Map<string, string>();
  for (const { listener, tls } of usable) {
    const validation = tls.clientValidation;
    if (validation?.mode === 'AllowValidOnly') validOnly.set(listener.id, validationKey(validation));
  }
  return {
    tls: {
      contexts: new HostnameIndex(usable.map((entry) => [entry.listener.hostname, entry.context] as const)),
      fallback: fallback.tls,
      requestCert: usable.some((entry) => entry.tls.clientValidation !== undefined),
      listenerIds: new HostnameIndex(
        usable.map((entry) => [entry.listener.hostname, entry.listener.id] as const),
      ),
      fallbackId: fallback.listener.id,
      validOnly,
    },
    problems,
  };
}

/** Server options for a port's TLS server: certificates are asked for, and checked here, per listener. */
export function clientCertificateServerOptions(tls: PortTls | null): {
  requestCert: boolean;
  rejectUnauthorized: boolean;
} {
  return { requestCert: tls?.requestCert ?? false, rejectUnauthorized: false };
}

const kValidatedAs = Symbol('sluice.clientValidation');

type ValidatedSocket = TLSSocket & { [kValidatedAs]?: string };

/**
 * Runs once per TLS connection after its handshake, for the listener the handshake was made for (by
 * SNI, else the fallback): a connection to an `AllowValidOnly` listener without a valid client
 * certificate is closed; a valid one is remembered for `clientCertificateAdmits`.
 */
export function admitClientCertificate(tls: PortTls | null, socket: TLSSocket): void {
  if (tls === null) return;
  const sni = socket.servername;
  const selected =
    typeof sni === 'string' && sni !== '' ? tls.listenerIds.select(sni.toLowerCase()) : undefined;
  const key = tls.validOnly.get(selected ?? tls.fallbackId);
  if (key === undefined) return;
  if (socket.authorized) (socket as ValidatedSocket)[kValidatedAs] = key;
  else socket.destroy();
}

/**
 * Whether a request on `socket` may be served by the listener `listenerId`: a listener that needs a
 * valid client certificate takes only connections validated against its own CAs (not, say, a
 * connection without SNI that went through another listener's handshake).
 */
export function clientCertificateAdmits(tls: PortTls, listenerId: string, socket: object): boolean {
  const required = tls.validOnly.get(listenerId);
  return required === undefined || Reflect.get(socket, kValidatedAs) === required;
}
