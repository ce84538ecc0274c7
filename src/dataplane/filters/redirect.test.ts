// Location derivation for RequestRedirect: scheme, hostname, port rules and path modifiers.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CompiledRedirect, type RedirectRequest, redirectLocation } from './redirect.ts';

const base: RedirectRequest = {
  scheme: 'http',
  listenerPort: 8080,
  host: 'example.org',
  path: '/p',
  query: '',
};
const noChange: CompiledRedirect = { scheme: null, hostname: null, port: null, path: null, statusCode: 302 };

const cases: [
  name: string,
  request: Partial<RedirectRequest>,
  redirect: Partial<CompiledRedirect>,
  location: string,
][] = [
  ['no scheme, no port: the listener port', {}, {}, 'http://example.org:8080/p'],
  ['listener on 80: port left out', { listenerPort: 80 }, {}, 'http://example.org/p'],
  [
    'HTTPS listener on 443, no scheme: port left out',
    { scheme: 'https', listenerPort: 443 },
    {},
    'https://example.org/p',
  ],
  ['scheme https without port: 443, left out', {}, { scheme: 'https' }, 'https://example.org/p'],
  [
    'scheme http without port: 80, left out',
    { scheme: 'https', listenerPort: 8443 },
    { scheme: 'http' },
    'http://example.org/p',
  ],
  ['scheme https with port 8443', {}, { scheme: 'https', port: 8443 }, 'https://example.org:8443/p'],
  ['explicit port 443 on http is kept', {}, { port: 443 }, 'http://example.org:443/p'],
  ['explicit port 80 on http is left out', {}, { port: 80 }, 'http://example.org/p'],
  ['hostname replaced', {}, { hostname: 'other.example' }, 'http://other.example:8080/p'],
  ['query string kept', { query: '?a=1&b=2' }, {}, 'http://example.org:8080/p?a=1&b=2'],
  [
    'full path replaced',
    { path: '/old/x' },
    { path: { type: 'ReplaceFullPath', value: '/new' } },
    'http://example.org:8080/new',
  ],
  [
    'prefix replaced',
    { path: '/old/x', query: '?q' },
    { path: { type: 'ReplacePrefixMatch', prefix: '/old', value: '/new' } },
    'http://example.org:8080/new/x?q',
  ],
  ['IPv6 host keeps its brackets', { host: '[::1]' }, {}, 'http://[::1]:8080/p'],
];

for (const [name, request, redirect, location] of cases) {
  test(`redirect Location: ${name}`, () => {
    assert.equal(redirectLocation({ ...base, ...request }, { ...noChange, ...redirect }), location);
  });
}
