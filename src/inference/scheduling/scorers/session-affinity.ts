// `session-affinity-scorer`: sends a session's requests back to the endpoint that answered its last one.
//
// The session token names that endpoint (base64 of its `ip:port`). As llm-d does, the token travels in the
// `llm-d-session` cookie, which browsers and cookie-keeping clients return on their own; the Inference
// Extension's original `x-session-token` header is read as well, and sent back on every response, for API
// clients that keep no cookies. The endpoint named scores 1, every other 0, so the session stays put only
// as long as the scorer's weight outweighs the load signals against that endpoint.

import type { Endpoint } from '../../datalayer/endpoint.ts';
import type { PluginType } from '../registry.ts';
import type { ResponseHeader, SchedulingRequest } from '../types.ts';

export const sessionCookieName = 'llm-d-session';
export const sessionTokenHeader = 'x-session-token';

export function sessionToken(endpoint: Endpoint): string {
  return Buffer.from(endpoint.id).toString('base64');
}

/** The value of cookie `name` in a `Cookie` header, or undefined. */
function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  if (cookieHeader === undefined) return undefined;
  for (const pair of cookieHeader.split(';')) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim();
  }
  return undefined;
}

/** The endpoint id the request's session token names; the cookie wins over the header. */
function sessionEndpoint(request: SchedulingRequest): string | undefined {
  const token = cookieValue(request.headers.cookie, sessionCookieName) || request.headers[sessionTokenHeader];
  return token ? Buffer.from(token, 'base64').toString() : undefined;
}

export const sessionAffinityScorer: PluginType = {
  type: 'session-affinity-scorer',
  kinds: ['scorer'],
  configure(parameters) {
    // Seconds; 0 makes a session cookie, gone when the browser closes (upstream's default).
    const maxAge = parameters.integer('maxAge', 0);
    parameters.done('session-affinity-scorer');
    const cookieAttributes = `; Path=/${maxAge > 0 ? `; Max-Age=${maxAge}` : ''}; HttpOnly; SameSite=Lax`;
    return (name) => ({
      type: 'session-affinity-scorer',
      name,
      score(request, endpoints) {
        const target = sessionEndpoint(request);
        return endpoints.map((endpoint) => (endpoint.id === target ? 1 : 0));
      },
      responseHeaders(request, servedEndpoint) {
        const token = sessionToken(servedEndpoint);
        const headers: ResponseHeader[] = [[sessionTokenHeader, token]];
        // A cookie the client already holds with this value is not set again.
        if (cookieValue(request.headers.cookie, sessionCookieName) !== token)
          headers.push(['set-cookie', `${sessionCookieName}=${token}${cookieAttributes}`]);
        return headers;
      },
    });
  },
};
