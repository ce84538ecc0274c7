// RequestRedirect: derives the `Location` of a redirect from the request and the filter, per the
// Gateway API rules for scheme, hostname and port.

import { type BoundPathModifier, modifyPath } from './path-modifier.ts';

export interface CompiledRedirect {
  scheme: 'http' | 'https' | null;
  hostname: string | null;
  port: number | null;
  path: BoundPathModifier | null;
  statusCode: number;
}

/** What the redirect needs to know about the request and the socket it arrived on. */
export interface RedirectRequest {
  /** Scheme of the listener the request arrived on. */
  readonly scheme: 'http' | 'https';
  readonly listenerPort: number;
  /** Request host without its port (`[::1]` keeps its brackets). */
  readonly host: string;
  /** Request path without the query string. */
  readonly path: string;
  /** The query string with its leading `?`, or empty. */
  readonly query: string;
}

const wellKnownPorts = { http: 80, https: 443 } as const;

/**
 * Port rules: the filter's port, else the well-known port of the filter's scheme when it sets one,
 * else the listener port. The port is left out for http:80 and https:443. The query string is kept.
 */
export function redirectLocation(request: RedirectRequest, redirect: CompiledRedirect): string {
  const scheme = redirect.scheme ?? request.scheme;
  const port =
    redirect.port ?? (redirect.scheme !== null ? wellKnownPorts[redirect.scheme] : request.listenerPort);
  const host = redirect.hostname ?? request.host;
  const authority = port === wellKnownPorts[scheme] ? host : `${host}:${port}`;
  const path = redirect.path === null ? request.path : modifyPath(request.path, redirect.path);
  return `${scheme}://${authority}${path}${request.query}`;
}
