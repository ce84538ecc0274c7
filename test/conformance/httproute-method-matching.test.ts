// Conformance HTTPRouteMethodMatching (upstream httproute-method-matching.go): method matches alone,
// ANDed with path and header matches, ORed across a rule's matches, and ranked by precedence.

import { after, before, test } from 'node:test';
import type { ExpectedResponse } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 63, manifests: ['httproute-method-matching.yaml'] });
before(() => suite.start());
after(() => suite.stop());

function routed(
  method: string,
  path: string,
  backend: string,
  headers?: Record<string, string>,
): ExpectedResponse {
  return { request: { method, path, ...(headers ? { headers } : {}) }, backend, namespace: ns };
}

function notFound(method: string, path: string): ExpectedResponse {
  return { request: { method, path }, response: { statusCode: 404 } };
}

test('HTTPRouteMethodMatching', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'method-matching' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await suite.expectResponses(t, gwAddr, [
    routed('POST', '/', 'infra-backend-v1'),
    routed('GET', '/', 'infra-backend-v2'),
    notFound('HEAD', '/'),
    // With core matches.
    routed('GET', '/path1', 'infra-backend-v1'),
    routed('PUT', '/', 'infra-backend-v2', { version: 'one' }),
    routed('POST', '/path2', 'infra-backend-v3', { version: 'two' }),
    // Either of a rule's matches is enough.
    routed('PATCH', '/path3', 'infra-backend-v1'),
    routed('DELETE', '/path4', 'infra-backend-v1', { version: 'three' }),
    // Part of one match is not.
    notFound('PUT', '/'),
    notFound('DELETE', '/path4'),
    // Precedence: a longer path prefix beats a method, a method beats a header.
    routed('PATCH', '/path5', 'infra-backend-v1'),
    routed('PATCH', '/', 'infra-backend-v2', { version: 'four' }),
  ]);
});
