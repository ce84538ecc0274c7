// Conformance HTTPRouteCORS (upstream httproute-cors.go): preflights are answered by the gateway with the
// allowed origin, methods, headers, exposed headers, max age and credentials; simple requests are
// forwarded and get the allow-origin header; origins that are not allowed get none.

import { after, before, test } from 'node:test';
import type { ExpectedResponse } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 77, manifests: ['httproute-cors.yaml'] });
before(() => suite.start());
after(() => suite.stop());

/**
 * A preflight never reaches the echo backend, so nothing is echoed: the expected backend request is
 * empty but for the method, and the namespace is empty too.
 */
function preflight(
  testCaseName: string,
  path: string,
  headers: Record<string, string>,
  response: NonNullable<ExpectedResponse['response']>,
): ExpectedResponse {
  return {
    testCaseName,
    request: { path, method: 'OPTIONS', headers },
    expectedRequest: { host: '', method: 'OPTIONS', path: '' },
    namespace: '',
    response,
  };
}

/** What the cors-1 rule allows, for an origin it matches. */
function cors1Allowed(origin: string): NonNullable<ExpectedResponse['response']> {
  return {
    statusCodes: [200, 204],
    validHeaderValues: {
      'access-control-allow-origin': [origin],
      'access-control-allow-methods': ['GET, OPTIONS', 'OPTIONS, GET'],
      'access-control-allow-headers': ['x-header-1, x-header-2', 'x-header-2, x-header-1'],
      'access-control-expose-headers': ['x-header-3, x-header-4', 'x-header-4, x-header-3'],
      'access-control-max-age': ['3600'],
      'access-control-allow-credentials': ['true'],
    },
    // Implementations may or may not put a space after each comma.
    ignoreWhitespace: true,
  };
}

const askGetWithHeaders = {
  'access-control-request-method': 'GET',
  'access-control-request-headers': 'x-header-1, x-header-2',
};

const cases: ExpectedResponse[] = [
  preflight(
    'CORS preflight request from an exact matching origin should be allowed',
    '/cors-1',
    { Origin: 'https://www.foo.com', ...askGetWithHeaders },
    cors1Allowed('https://www.foo.com'),
  ),
  preflight(
    'CORS preflight request from a wildcard matching origin should be allowed',
    '/cors-1',
    { Origin: 'https://www.bar.com', ...askGetWithHeaders },
    cors1Allowed('https://www.bar.com'),
  ),
  preflight(
    "CORS preflight request from a wildcard matching any number of periods left to '*' should be allowed",
    '/cors-1',
    { Origin: 'https://xpto.www.bar.com', ...askGetWithHeaders },
    cors1Allowed('https://xpto.www.bar.com'),
  ),
  preflight(
    'CORS preflight request from a non-matching origin should not be allowed',
    '/cors-1',
    { Origin: 'https://foobar.com', 'access-control-request-method': 'GET' },
    { statusCodes: [200, 204, 403], absentHeaders: ['access-control-allow-origin'] },
  ),
  {
    testCaseName: 'Simple request from an exact matching origin should be allowed',
    namespace: ns,
    request: {
      path: '/cors-1',
      method: 'GET',
      headers: { Origin: 'https://www.foo.com', ...askGetWithHeaders },
    },
    response: { statusCode: 200, headers: { 'access-control-allow-origin': 'https://www.foo.com' } },
  },
  {
    testCaseName: 'Simple request from a wildcard matching origin should be allowed',
    namespace: ns,
    request: {
      path: '/cors-1',
      method: 'GET',
      headers: { Origin: 'https://www.bar.com', ...askGetWithHeaders },
    },
    response: { statusCode: 200, headers: { 'access-control-allow-origin': 'https://www.bar.com' } },
  },
  {
    testCaseName: 'Simple request from a non-matching origin should not be allowed',
    namespace: ns,
    request: {
      path: '/cors-1',
      method: 'GET',
      headers: { Origin: 'https://foobar.com', 'access-control-request-method': 'GET' },
    },
    response: { absentHeaders: ['access-control-allow-origin'] },
  },
  preflight(
    'CORS preflight request with POST method should be allowed by allowMethods with wildcard',
    '/cors-2',
    { Origin: 'https://www.foo.com', 'access-control-request-method': 'POST' },
    {
      statusCodes: [200, 204],
      validHeaderValues: { 'access-control-allow-methods': ['POST', '*'] },
      headers: { 'access-control-allow-origin': 'https://www.foo.com' },
      absentHeaders: ['access-control-allow-credentials'],
    },
  ),
  preflight(
    'CORS preflight request should not receive access-control-allow-credentials header without access-control-allow-credentials set to true',
    '/cors-2',
    { Origin: 'https://www.foo.com', 'access-control-request-method': 'POST' },
    { statusCodes: [200, 204], absentHeaders: ['Access-Control-Allow-Credentials'] },
  ),
  preflight(
    "CORS preflight request from a wildcard origin should return header with '*' or with the requested Origin",
    '/cors-wildcard-origin',
    { Origin: 'https://foobar.com', 'access-control-request-method': 'PUT' },
    {
      statusCodes: [200, 204],
      // With credentials off, `*` and the echoed origin are both right.
      validHeaderValues: {
        'access-control-allow-origin': ['https://foobar.com', '*'],
        'access-control-allow-methods': ['PUT'],
      },
      absentHeaders: ['Access-Control-Allow-Credentials'],
    },
  ),
  preflight(
    "CORS preflight request from a wildcard origin containing a port should return header with '*' or with the requested Origin",
    '/cors-wildcard-origin',
    { Origin: 'https://foobar.com:12345', 'access-control-request-method': 'PUT' },
    {
      statusCodes: [200, 204],
      validHeaderValues: {
        'access-control-allow-origin': ['https://foobar.com:12345', '*'],
        'access-control-allow-methods': ['PUT'],
      },
      absentHeaders: ['Access-Control-Allow-Credentials'],
    },
  ),
  {
    testCaseName:
      "Request from a wildcard origin containing a port should return header with '*' or with the requested Origin",
    namespace: ns,
    request: {
      path: '/cors-wildcard-origin',
      method: 'PUT',
      headers: { Origin: 'https://foobar.com:12345' },
    },
    response: {
      statusCode: 200,
      validHeaderValues: { 'access-control-allow-origin': ['https://foobar.com:12345', '*'] },
    },
  },
  {
    testCaseName:
      "Simple request from a wildcard origin should return header with '*' or with the requested Origin",
    namespace: ns,
    request: { path: '/cors-wildcard-origin', method: 'PUT', headers: { Origin: 'https://foobar.com' } },
    response: {
      statusCode: 200,
      validHeaderValues: { 'access-control-allow-origin': ['https://foobar.com', '*'] },
      absentHeaders: ['Access-Control-Allow-Credentials'],
    },
  },
  preflight(
    'CORS preflight request requesting specific method and headers should be allowed and always echo the origin with allowCredentials set to true',
    '/cors-wildcard-methods-headers',
    {
      Origin: 'https://other.foo.com',
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'x-header-1, x-header-2',
    },
    {
      statusCodes: [200, 204],
      // With credentials on, no `*`: the requested origin, method and headers come back.
      validHeaderValues: {
        'access-control-allow-origin': ['https://other.foo.com'],
        'access-control-allow-methods': ['PUT'],
        'access-control-allow-headers': ['x-header-1, x-header-2', 'x-header-2, x-header-1'],
        'access-control-allow-credentials': ['true'],
      },
      ignoreWhitespace: true,
    },
  ),
  preflight(
    'CORS preflight request requesting specific method and headers should hide access-control-allow-credentials headers with allowCredentials set to false',
    '/cors-wildcard-methods-headers-unauth',
    {
      Origin: 'https://other.foo.com',
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'x-header-1, x-header-2',
    },
    {
      statusCodes: [200, 204],
      validHeaderValues: {
        'access-control-allow-origin': ['https://other.foo.com', '*'],
        'access-control-allow-methods': ['PUT', '*'],
        'access-control-allow-headers': ['x-header-1, x-header-2', 'x-header-2, x-header-1', '*'],
      },
      absentHeaders: ['access-control-allow-credentials'],
      ignoreWhitespace: true,
    },
  ),
  {
    testCaseName:
      'CORS request should receive access-control-allow-credentials header with allowCredentials set to true',
    namespace: ns,
    request: {
      path: '/cors-wildcard-methods-headers',
      method: 'GET',
      headers: { Origin: 'https://other.foo.com' },
    },
    response: {
      statusCode: 200,
      validHeaderValues: {
        'access-control-allow-origin': ['https://other.foo.com'],
        'access-control-allow-credentials': ['true'],
      },
    },
  },
  {
    testCaseName:
      'CORS request should not receive access-control-allow-credentials header without allowCredentials set to true',
    namespace: ns,
    request: {
      path: '/cors-wildcard-methods-headers-unauth',
      method: 'GET',
      headers: { Origin: 'https://other.foo.com' },
    },
    response: {
      statusCode: 200,
      validHeaderValues: { 'access-control-allow-origin': ['https://other.foo.com', '*'] },
      absentHeaders: ['access-control-allow-credentials'],
    },
  },
];

test('HTTPRouteCORS', { concurrency: true }, async (t) => {
  const gateway = { namespace: ns, name: 'same-namespace' };
  const routes = [
    'cors-multiple-origins-methods-headers',
    'cors-wildcard-methods',
    'cors-wildcard-origin',
    'cors-wildcard-methods-headers',
  ].map((name) => ({ namespace: ns, name }));
  // Upstream waits for the first two routes to be accepted, then for all four to resolve their refs.
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, routes.slice(0, 2));
  for (const route of routes) await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);
  await suite.expectResponses(t, gwAddr, cases);
});
