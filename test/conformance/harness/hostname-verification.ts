// The server-name check of upstream's Go client, for the harness's HTTPS and HTTP/2-over-TLS requests.

import type { PeerCertificate } from 'node:tls';

/**
 * Go's `x509.Certificate.VerifyHostname` for DNS names: a `*` stands for exactly one leftmost label,
 * and `*.org`-style patterns are allowed (Node's default check rejects them; the upstream test
 * certificate relies on them).
 */
export function verifyHostname(hostname: string, certificate: PeerCertificate): Error | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  const names = (certificate.subjectaltname ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4).toLowerCase().replace(/\.$/, ''));
  const hostLabels = host.split('.');
  const matches = names.some((pattern) => {
    const patternLabels = pattern.split('.');
    return (
      patternLabels.length === hostLabels.length &&
      patternLabels.every((label, index) => label === hostLabels[index] || (index === 0 && label === '*'))
    );
  });
  return matches
    ? undefined
    : new Error(`x509: certificate is not valid for ${hostname}, only for ${names.join(', ')}`);
}
