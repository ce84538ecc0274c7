// TLS from the gateway to a cluster's endpoints (BackendTLSPolicy, Gateway backend client certificate):
// trust, server identity and client certificate become undici connect options, and an interceptor pins SNI.

import {
  type ConnectionOptions,
  checkServerIdentity,
  createSecureContext,
  getCACertificates,
  type PeerCertificate,
} from 'node:tls';
import type { buildConnector, Dispatcher } from 'undici';
import type { IRUpstreamTLS } from '../../ir/types.ts';

/** The error code a connection gets when the IR's TLS material (CA, client key pair) cannot be loaded. */
export const tlsMaterialErrorCode = 'ERR_SLUICE_UPSTREAM_TLS_MATERIAL';

type UpstreamTlsConnect = ConnectionOptions | buildConnector.connector;

/** One per IR cluster setting: all the endpoint pools of a cluster share its secure context. */
const connects = new WeakMap<IRUpstreamTLS, UpstreamTlsConnect>();

/**
 * Connect options for a TLS cluster, or a connector that fails every connection when the PEM material
 * is unusable: such a cluster answers 502 and never falls back to plaintext. The secure context is
 * built here once, not per connection (a CA bundle is costly to parse).
 */
export function upstreamTlsConnect(tls: IRUpstreamTLS): UpstreamTlsConnect {
  let connect = connects.get(tls);
  if (connect === undefined) {
    connect = buildTlsConnect(tls);
    connects.set(tls, connect);
  }
  return connect;
}

function buildTlsConnect(tls: IRUpstreamTLS): UpstreamTlsConnect {
  let secureContext: ConnectionOptions['secureContext'];
  try {
    secureContext = createSecureContext({
      ca: tls.ca === 'system' ? systemTrust() : tls.ca.pems,
      ...(tls.clientCertificate === undefined
        ? {}
        : { cert: tls.clientCertificate.certPem, key: tls.clientCertificate.keyPem }),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const failure = Object.assign(new Error(`unusable TLS material: ${reason}`), {
      code: tlsMaterialErrorCode,
    });
    return (_options, callback) => callback(failure, null);
  }
  return {
    secureContext,
    servername: tls.serverName,
    rejectUnauthorized: true,
    checkServerIdentity: serverIdentityCheck(tls),
  };
}

/**
 * undici takes a request's SNI from its Host header (and reconnects when it changes) unless the request
 * names one; every request must carry the policy's name instead. (`servername` is a dispatch option undici
 * reads but its types leave out.)
 */
export function pinServerName(serverName: string): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) => {
    const pinned: Dispatcher.DispatchOptions & { servername: string } = {
      ...options,
      servername: serverName,
    };
    return dispatch(pinned, handler);
  };
}

/** `wellKnownCACertificates: System`: the platform store, plus Node's bundled roots where it has none. */
function systemTrust(): string[] {
  return [...getCACertificates('system'), ...getCACertificates('bundled')];
}

type IdentityCheck = (hostname: string, certificate: PeerCertificate) => Error | undefined;

/** Without `subjectAltNames` the certificate must name `serverName`; with them, one of them. */
function serverIdentityCheck(tls: IRUpstreamTLS): IdentityCheck {
  const wanted = tls.subjectAltNames;
  if (wanted === undefined || wanted.length === 0)
    return (_hostname, certificate) => checkServerIdentity(tls.serverName, certificate);
  return (_hostname, certificate) => {
    const uris = uriNames(certificate.subjectaltname ?? '');
    const matched = wanted.some((name) =>
      name.type === 'URI'
        ? uris.includes(name.value)
        : checkServerIdentity(name.value, certificate) === undefined,
    );
    if (matched) return undefined;
    const expected = wanted.map((name) => `${name.type}:${name.value}`).join(', ');
    return Object.assign(
      new Error(`the upstream certificate carries none of the subject alternative names ${expected}`),
      { code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
    );
  };
}

/** URI entries of a certificate's `subjectaltname` string (Node quotes values that hold separators). */
function uriNames(subjectAltName: string): string[] {
  const names: string[] = [];
  for (const match of subjectAltName.matchAll(/(?:^|, )URI:("(?:[^"\\]|\\.)*"|[^,]*)/g)) {
    const value = match[1];
    names.push(value.startsWith('"') ? (JSON.parse(value) as string) : value);
  }
  return names;
}
