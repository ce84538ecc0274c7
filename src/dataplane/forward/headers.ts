// Header hygiene at the proxy boundary: hop-by-hop headers are stripped both ways, and the upstream
// request gains x-forwarded-for/-proto/-host and an x-request-id.

import { newRequestId } from '../../request-id.ts';
import { type HeaderRecord, removeFromHeaderList } from '../filters/header-modifier.ts';

/**
 * RFC 9110 §7.6.1 connection-specific headers, plus `expect` (the gateway answers 100-continue itself;
 * undici refuses to send it) and `proxy-connection` (a de facto hop-by-hop header).
 */
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
]);

/** Extra names a `Connection` header declares hop-by-hop, or null when it declares none. */
function connectionNamed(connection: string | string[] | undefined): Set<string> | null {
  // The values nearly every peer sends name no extra header; skip splitting them.
  if (connection === undefined || connection === 'keep-alive' || connection === 'close') return null;
  let named: Set<string> | null = null;
  for (const token of String(connection).split(',')) {
    const name = token.trim().toLowerCase();
    if (name === '' || name === 'close' || hopByHop.has(name)) continue;
    named ??= new Set();
    named.add(name);
  }
  return named;
}

/**
 * Builds the upstream request headers from the client's raw `[name, value, …]` list in one pass
 * (`clientAddress` is the client socket's address, `proto` the scheme it reached the gateway with): drops
 * hop-by-hop headers and duplicate Host lines, appends the client to existing x-forwarded-* values
 * (comma-joined, as a chain of proxies would), and adds an x-request-id when the client sent none.
 */
export function upstreamRequestHeaders(
  raw: readonly string[],
  clientAddress: string,
  proto: 'http' | 'https',
): string[] {
  const headers: string[] = [];
  let connection: string | undefined;
  let host: string | undefined;
  let forwardedFor: string | undefined;
  let forwardedProto: string | undefined;
  let forwardedHost: string | undefined;
  let hasRequestId = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    const lower = name.toLowerCase();
    if (hopByHop.has(lower)) {
      if (lower === 'connection') connection = connection === undefined ? value : `${connection},${value}`;
      continue;
    }
    switch (lower) {
      case 'host':
        if (host !== undefined) continue;
        host = value;
        break;
      case 'x-forwarded-for':
        forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
        continue;
      case 'x-forwarded-proto':
        forwardedProto = forwardedProto === undefined ? value : `${forwardedProto}, ${value}`;
        continue;
      case 'x-forwarded-host':
        forwardedHost = forwardedHost === undefined ? value : `${forwardedHost}, ${value}`;
        continue;
      case 'x-request-id':
        hasRequestId = true;
        break;
    }
    headers.push(name, value);
  }
  const named = connectionNamed(connection);
  if (named !== null) removeFromHeaderList(headers, named);
  headers.push(
    'x-forwarded-for',
    appendHop(forwardedFor, clientAddress),
    'x-forwarded-proto',
    appendHop(forwardedProto, proto),
  );
  if (host !== undefined) headers.push('x-forwarded-host', appendHop(forwardedHost, host));
  else if (forwardedHost !== undefined) headers.push('x-forwarded-host', forwardedHost);
  if (!hasRequestId) headers.push('x-request-id', newRequestId());
  return headers;
}

function appendHop(existing: string | undefined, value: string): string {
  return existing === undefined ? value : `${existing}, ${value}`;
}

/** Copies upstream response headers (lower-case names, as undici parses them) without hop-by-hop ones. */
export function downstreamResponseHeaders(upstream: HeaderRecord): HeaderRecord {
  const connection = connectionNamed(upstream.connection);
  const headers: HeaderRecord = {};
  for (const name in upstream) {
    if (hopByHop.has(name) || connection?.has(name)) continue;
    headers[name] = upstream[name];
  }
  return headers;
}
