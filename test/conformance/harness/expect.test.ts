// Tests for the CompareRoundTrip port: the same request/response pairs pass or fail as upstream's.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareRoundTrip, type ExpectedResponse, makeRequest, testCaseName } from './expect.ts';
import type { CapturedRequest, CapturedResponse } from './roundtrip.ts';

const echoed: CapturedRequest = {
  path: '/x?y=1',
  host: 'example.com',
  method: 'GET',
  protocol: 'HTTP/1.1',
  headers: { 'X-Header-Add': ['a', 'b'], 'Another-Header': ['v'] },
  httpPort: '3000',
  namespace: 'gateway-conformance-infra',
  pod: 'infra-backend-v1-7d9c5b8f6-abcde',
};
const ok: CapturedResponse = { statusCode: 200, headers: { 'x-planted': ['p'] } };
const forwarded: ExpectedResponse = {
  request: { host: 'example.com', path: '/x?y=1' },
  backend: 'infra-backend-v1',
  namespace: 'gateway-conformance-infra',
};

function compare(expected: ExpectedResponse, captured = echoed, response = ok): string | undefined {
  return compareRoundTrip(makeRequest(expected, '127.0.0.1:80', 'http'), captured, response, expected);
}

test('makeRequest leaves the default port out of Host and always sends X-Echo-Set-Header', () => {
  const plain = makeRequest({ request: { path: '/' } }, '127.40.1.3:80', 'http');
  assert.equal(plain.host, '127.40.1.3');
  assert.equal(plain.port, 80);
  assert.equal(plain.method, 'GET');
  assert.equal(plain.headers['X-Echo-Set-Header'], '');
  const other = makeRequest(
    { request: { path: '/' }, backendSetResponseHeaders: { A: 'b', C: 'd' } },
    '127.40.1.3:8080',
    'http',
  );
  assert.equal(other.host, '127.40.1.3:8080');
  assert.equal(other.headers['X-Echo-Set-Header'], 'A:b,C:d');
  assert.equal(makeRequest({ request: { path: '/' } }, '127.40.1.3:443', 'https').host, '127.40.1.3');
});

test('a forwarded request passes when path, host, namespace and pod prefix agree', () => {
  assert.equal(compare(forwarded), undefined);
});

test('each mismatch of a forwarded request is reported', () => {
  assert.match(compare({ ...forwarded, backend: 'infra-backend-v2' }) ?? '', /pod name to start with/);
  assert.match(compare({ ...forwarded, namespace: undefined }) ?? '', /namespace/);
  assert.match(compare({ ...forwarded, request: { path: '/x' } }) ?? '', /path/);
  assert.match(compare({ ...forwarded, request: { host: 'other.com', path: '/x?y=1' } }) ?? '', /host/);
  assert.match(compare(forwarded, echoed, { statusCode: 404, headers: {} }) ?? '', /status code/);
});

test('request headers compare case-insensitively, repeated values joined by a comma', () => {
  const expected = {
    ...forwarded,
    expectedRequest: {
      path: '/x?y=1',
      headers: { 'x-header-add': 'a,b' },
      absentHeaders: ['X-Header-Remove'],
    },
  };
  assert.equal(compare(expected), undefined);
  assert.match(
    compare({ ...expected, expectedRequest: { path: '/x?y=1', headers: { 'X-Header-Add': 'a' } } }) ?? '',
    /a,b/,
  );
  assert.match(
    compare({ ...expected, expectedRequest: { path: '/x?y=1', absentHeaders: ['another-header'] } }) ?? '',
    /not be set/,
  );
});

test('response headers are checked on 200', () => {
  assert.equal(compare({ ...forwarded, response: { headers: { 'X-Planted': 'p' } } }), undefined);
  assert.match(compare({ ...forwarded, response: { absentHeaders: ['x-planted'] } }) ?? '', /not be set/);
});

test('statusCodes accepts any of its codes, and statusCode joins them', () => {
  const preflight = (statusCode: number): CapturedResponse => ({ statusCode, headers: {} });
  const expected: ExpectedResponse = { request: { path: '/' }, response: { statusCodes: [200, 204, 403] } };
  assert.equal(compare(expected, echoed, preflight(403)), undefined);
  assert.match(compare(expected, echoed, preflight(404)) ?? '', /one of \[200 204 403\]/);
  const both = { request: { path: '/' }, response: { statusCode: 301, statusCodes: [302] } };
  assert.equal(compare(both, echoed, preflight(301)), undefined);
  assert.equal(testCaseName(both, 1), "1 request to '/' should receive one of [302 301]");
});

test('validHeaderValues accepts any listed value, ignoring spaces when asked', () => {
  const cors: CapturedResponse = {
    statusCode: 204,
    headers: { 'access-control-allow-methods': ['OPTIONS,GET'] },
  };
  const preflight = (ignoreWhitespace: boolean): ExpectedResponse => ({
    request: { path: '/', method: 'OPTIONS' },
    expectedRequest: { path: '', method: 'OPTIONS' },
    response: {
      statusCodes: [200, 204],
      validHeaderValues: { 'Access-Control-Allow-Methods': ['GET, OPTIONS', 'OPTIONS, GET'] },
      ignoreWhitespace,
    },
  });
  const notEchoed = { ...echoed, path: '', host: '', namespace: '', pod: '', method: 'OPTIONS' };
  assert.equal(compare(preflight(true), notEchoed, cors), undefined);
  assert.match(compare(preflight(false), notEchoed, cors) ?? '', /one of/);
  assert.equal(
    compare(
      {
        ...preflight(true),
        response: {
          statusCodes: [204],
          headers: { 'access-control-allow-methods': 'OPTIONS, GET' },
          ignoreWhitespace: true,
        },
      },
      notEchoed,
      cors,
    ),
    undefined,
  );
});

test('makeRequest carries an HTTP/2 protocol through', () => {
  const request = makeRequest(
    { request: { path: '/', protocol: 'H2C_PRIOR_KNOWLEDGE' } },
    '127.40.1.3:80',
    'http',
  );
  assert.equal(request.protocol, 'H2C_PRIOR_KNOWLEDGE');
  assert.equal(makeRequest({ request: { path: '/' } }, '127.40.1.3:80', 'http').protocol, undefined);
});

test('any timeout code satisfies an expected timeout code', () => {
  const timeout = { request: { path: '/' }, response: { statusCode: 504 } };
  assert.equal(compare(timeout, echoed, { statusCode: 408, headers: {} }), undefined);
});

test('other statuses are compared by code only', () => {
  assert.equal(
    compare({ request: { path: '/' }, response: { statusCode: 500 } }, echoed, {
      statusCode: 500,
      headers: {},
    }),
    undefined,
  );
});

test('redirects compare host, scheme, default-or-explicit port and path of Location', () => {
  const redirect = (port: string, path = '/x', scheme = 'http'): CapturedResponse => ({
    statusCode: 302,
    headers: {},
    redirectRequest: { scheme, host: 'example.org', port, path },
  });
  const expected: ExpectedResponse = {
    request: { path: '/x' },
    response: { statusCode: 302 },
    redirectRequest: { host: 'example.org' },
  };
  assert.equal(compare(expected, echoed, redirect('')), undefined);
  assert.equal(compare(expected, echoed, redirect('80')), undefined);
  assert.match(compare(expected, echoed, redirect('8080')) ?? '', /port/);
  assert.match(compare(expected, echoed, redirect('', '/y')) ?? '', /path/);
  assert.match(compare(expected, echoed, redirect('', '/x', 'https')) ?? '', /scheme/);
  assert.match(
    compare({ ...expected, redirectRequest: { host: 'example.com' } }, echoed, redirect('')) ?? '',
    /hostname/,
  );
});

test('testCaseName follows upstream', () => {
  assert.equal(
    testCaseName(
      { request: { host: 'example.com', path: '/x', headers: { A: 'b' } }, backend: 'infra-backend-v1' },
      0,
    ),
    "0 request to 'example.com/x' with headers should go to infra-backend-v1",
  );
  assert.equal(
    testCaseName({ request: { path: '/x' }, response: { statusCode: 404 } }, 3),
    "3 request to '/x' should receive one of [404]",
  );
});
