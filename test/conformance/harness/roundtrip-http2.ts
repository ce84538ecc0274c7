// Upstream's HTTP/2 round trippers: cleartext with prior knowledge (`H2C_PRIOR_KNOWLEDGE`) and over TLS
// by ALPN (`H2`), each on its own connection like the HTTP/1.1 one.

import { connect, constants } from 'node:http2';
import { verifyHostname } from './hostname-verification.ts';
import type { Exchange, RoundTripRequest } from './roundtrip.ts';

/** Rejects on connection, TLS, stream or timeout errors; never on a status. */
export async function exchangeHttp2(request: RoundTripRequest, timeoutMs: number): Promise<Exchange> {
  const tls = request.protocol === 'H2';
  const authority = `${tls ? 'https' : 'http'}://${request.address}:${request.port}`;
  const session = connect(
    authority,
    tls
      ? {
          servername: request.serverName,
          ca: request.serverCertificate,
          checkServerIdentity: (hostname, certificate) => verifyHostname(hostname, certificate),
        }
      : {},
  );
  const timer = setTimeout(
    () => session.destroy(new Error(`no HTTP/2 response within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    return await new Promise<Exchange>((resolve, reject) => {
      session.on('error', reject);
      const stream = session.request({
        ...request.headers,
        [constants.HTTP2_HEADER_METHOD]: request.method,
        [constants.HTTP2_HEADER_PATH]: request.path,
        [constants.HTTP2_HEADER_SCHEME]: tls ? 'https' : 'http',
        // Go sends the request's Host as :authority.
        [constants.HTTP2_HEADER_AUTHORITY]: request.host,
      });
      stream.on('error', reject);
      if (request.body !== undefined) stream.end(request.body);
      stream.on('response', (responseHeaders, _flags, rawHeaders) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          resolve({
            statusCode: Number(responseHeaders[constants.HTTP2_HEADER_STATUS]),
            headers: headerLines(rawHeaders),
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
    });
  } finally {
    clearTimeout(timer);
    session.close();
  }
}

/** Response header fields, pseudo-headers left out, one entry per field as Go's `http.Header` keeps them. */
function headerLines(rawHeaders: string[]): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index].toLowerCase();
    if (name.startsWith(':')) continue;
    headers[name] ??= [];
    headers[name].push(rawHeaders[index + 1]);
  }
  return headers;
}
