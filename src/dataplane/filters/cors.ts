// The CORS filter: preflights are answered at the gateway; actual requests from an allowed origin get
// the allow headers on their response. Origin patterns are compiled once per IR.

import type { IRCors } from '../../ir/types.ts';
import { type CompiledHeaderModifier, compileHeaderModifier } from './header-modifier.ts';

export interface CompiledCors {
  anyOrigin: boolean;
  /** Exact origins, lower-cased. */
  origins: ReadonlySet<string>;
  /** Origins with `*`, where `*` stands for any run of characters (`https://*.bar.com` covers `https://a.b.bar.com`). */
  patterns: readonly RegExp[];
  credentials: boolean;
  /** Allowed methods joined with `, `; null means any (`*`). */
  methods: string | null;
  /** Allowed request headers joined with `, `; null means any (`*`). */
  headers: string | null;
  /** Exposed response headers joined with `, `; empty when none. */
  expose: string;
  maxAge: string;
}

export function compileCors(cors: IRCors): CompiledCors {
  const exact = cors.allowOrigins.filter((origin) => !origin.includes('*'));
  const wildcard = cors.allowOrigins.filter((origin) => origin.includes('*') && origin !== '*');
  const anyOf = (values: string[]) => (values.includes('*') ? null : values.join(', '));
  return {
    anyOrigin: cors.allowOrigins.includes('*'),
    origins: new Set(exact.map((origin) => origin.toLowerCase())),
    patterns: wildcard.map((origin) => new RegExp(`^${origin.split('*').map(escapeRegex).join('.*')}$`, 'i')),
    credentials: cors.allowCredentials,
    methods: anyOf(cors.allowMethods),
    headers: anyOf(cors.allowHeaders),
    // With credentials a `*` would be taken literally by browsers, so it is not sent.
    expose: cors.exposeHeaders.filter((name) => name !== '*' || !cors.allowCredentials).join(', '),
    maxAge: String(cors.maxAgeSeconds),
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function allowsOrigin(cors: CompiledCors, origin: string): boolean {
  return (
    cors.anyOrigin ||
    cors.origins.has(origin.toLowerCase()) ||
    cors.patterns.some((pattern) => pattern.test(origin))
  );
}

/**
 * The answer headers of a preflight from an allowed origin. The origin is always echoed, and a `*` in
 * methods or headers is answered with what the browser asked for when credentials are allowed (browsers
 * do not honour `*` then).
 */
export function preflightHeaders(
  cors: CompiledCors,
  origin: string,
  requestMethod: string,
  requestHeaders: string | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': cors.methods ?? (cors.credentials ? requestMethod : '*'),
    'access-control-max-age': cors.maxAge,
    vary: 'origin',
  };
  const allowHeaders = cors.headers ?? (cors.credentials ? requestHeaders : '*');
  if (allowHeaders !== undefined && allowHeaders !== '')
    headers['access-control-allow-headers'] = allowHeaders;
  if (cors.expose !== '') headers['access-control-expose-headers'] = cors.expose;
  if (cors.credentials) headers['access-control-allow-credentials'] = 'true';
  return headers;
}

/** The headers an actual request from an allowed origin gets on its response. */
export function actualResponseModifier(cors: CompiledCors, origin: string): CompiledHeaderModifier {
  const set: [string, string][] = [['access-control-allow-origin', origin]];
  if (cors.credentials) set.push(['access-control-allow-credentials', 'true']);
  if (cors.expose !== '') set.push(['access-control-expose-headers', cors.expose]);
  return compileHeaderModifier({ set, add: [['vary', 'origin']], remove: [] });
}
