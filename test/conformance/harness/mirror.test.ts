// Tests for the mirror checks: request ids as upstream adds them, and counting what mirror pods echoed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from './fixtures.ts';
import { echoedCount, expectMirroredRequest, withRequestId } from './mirror.ts';

function pod(app: string, namespace: string, requests: string[]): Pod {
  const echo = { address: '127.0.0.1', port: 1, h2cPort: undefined, requests, close: async () => {} };
  return { name: `${app}-a-b`, namespace, labels: { app }, ip: '127.0.0.1', echo };
}

const pods = [
  pod('infra-backend-v2', 'infra', ['/m?id=1', '/m?id=2']),
  pod('infra-backend-v2', 'infra', ['/m?id=1']),
  pod('infra-backend-v2', 'elsewhere', ['/m?id=1']),
  pod('infra-backend-v3', 'infra', []),
];
const source = { pods: (app: string) => pods.filter((candidate) => candidate.labels.app === app) };

test('withRequestId adds the id to the request and to the expected backend request', () => {
  const tagged = withRequestId(
    { request: { path: '/mirror' }, expectedRequest: { path: '/mirror', headers: { A: 'b' } } },
    'u-1',
  );
  assert.equal(tagged.request.path, '/mirror?gateway-api-conformance-request-id=u-1');
  assert.equal(tagged.expectedRequest?.path, '/mirror?gateway-api-conformance-request-id=u-1');
  assert.deepEqual(tagged.expectedRequest?.headers, { A: 'b' });
});

test('withRequestId replaces an earlier id and keeps the other parameters, sorted as Go encodes them', () => {
  const once = withRequestId({ request: { path: '/m?z=1&a=2' } }, 'first');
  const twice = withRequestId(once, 'second');
  assert.equal(twice.request.path, '/m?a=2&gateway-api-conformance-request-id=second&z=1');
  assert.equal(twice.expectedRequest, undefined);
});

test('an empty expected backend path takes the tagged request path', () => {
  const tagged = withRequestId({ request: { path: '/m' }, expectedRequest: { path: '' } }, 'x');
  assert.equal(tagged.expectedRequest?.path, '/m?gateway-api-conformance-request-id=x');
});

test('echoedCount counts exact request URIs over the pods of one Deployment in one namespace', () => {
  const v2 = { name: 'infra-backend-v2', namespace: 'infra' };
  assert.equal(echoedCount(source, v2, '/m?id=1'), 2);
  assert.equal(echoedCount(source, v2, '/m?id=2'), 1);
  assert.equal(echoedCount(source, v2, '/m'), 0);
});

test('expectMirroredRequest resolves once every mirror backend has echoed the request', async () => {
  await expectMirroredRequest(source, [{ name: 'infra-backend-v2', namespace: 'infra' }], '/m?id=2');
});
