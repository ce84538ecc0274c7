// Conformance HTTPRouteQueryParamMatching (upstream httproute-query-param-matching.go): exact,
// case-sensitive query parameter matches alone, ANDed with path and header matches, ORed across a
// rule's matches, and ranked by precedence.

import { after, before, test } from 'node:test';
import type { ExpectedResponse } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 64, manifests: ['httproute-query-param-matching.yaml'] });
before(() => suite.start());
after(() => suite.stop());

function routed(path: string, backend: string, headers?: Record<string, string>): ExpectedResponse {
  return { request: { path, ...(headers ? { headers } : {}) }, backend, namespace: ns };
}

function notFound(path: string): ExpectedResponse {
  return { request: { path }, response: { statusCode: 404 } };
}

test('HTTPRouteQueryParamMatching', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'query-param-matching' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await suite.expectResponses(t, gwAddr, [
    routed('/?animal=whale', 'infra-backend-v1'),
    routed('/?animal=dolphin', 'infra-backend-v2'),
    routed('/?animal=dolphin&color=blue', 'infra-backend-v3'),
    routed('/?ANIMAL=Whale', 'infra-backend-v3'),
    routed('/?animal=whale&otherparam=irrelevant', 'infra-backend-v1'),
    routed('/?animal=dolphin&color=yellow', 'infra-backend-v2'),
    notFound('/?color=blue'),
    notFound('/?animal=dog'),
    notFound('/?animal=whaledolphin'),
    notFound('/'),
    // With core matches.
    routed('/path1?animal=whale', 'infra-backend-v1'),
    routed('/?animal=whale', 'infra-backend-v2', { version: 'one' }),
    routed('/path2?animal=whale', 'infra-backend-v3', { version: 'two' }),
    // Either of a rule's matches is enough.
    routed('/path3?animal=shark', 'infra-backend-v1'),
    routed('/path4?animal=kraken', 'infra-backend-v1', { version: 'three' }),
    // Part of one match is not.
    notFound('/?animal=shark'),
    notFound('/path4?animal=kraken'),
    // Precedence: a longer path prefix beats a query match, a header match beats a query match.
    routed('/path5?animal=hydra', 'infra-backend-v1'),
    routed('/?animal=hydra', 'infra-backend-v3', { version: 'four' }),
  ]);
});
