// Conformance HTTPRouteWeight (upstream httproute-weight.go): traffic splits 70/30 within ±5% over
// 500 requests, and the weight-0 backend gets none.

import { after, before, test } from 'node:test';
import { compareRoundTrip, type ExpectedResponse, makeRequest } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { captureRoundTrip } from './harness/roundtrip.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { maxWeightTestRetries, weightedDistributionProblems } from './harness/weight.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 37, manifests: ['httproute-weight.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteWeight', async (t) => {
  const route = { namespace: ns, name: 'weighted-backends' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await t.test('Requests should have a distribution that matches the weight', async (t) => {
    const expected: ExpectedResponse = {
      request: { path: '/' },
      response: { statusCode: 200 },
      namespace: ns,
    };
    await suite.expectEventuallyConsistentResponse(gwAddr, expected);

    // Upstream varies each request (a random X-Jitter header half of the time) so that no
    // hash-based balancing can pin them all to one backend.
    const send = async (): Promise<string> => {
      const jitter =
        Math.random() < 0.5 ? { 'X-Jitter': String(Math.floor(Math.random() * 10_000)) } : undefined;
      const varied: ExpectedResponse = { ...expected, request: { ...expected.request, headers: jitter } };
      const request = makeRequest(varied, gwAddr, 'http');
      const { request: captured, response } = await captureRoundTrip(request);
      const mismatch = compareRoundTrip(request, captured, response, expected);
      if (mismatch) throw new Error(`response expectation failed for request: ${mismatch}`);
      return captured.pod;
    };
    const weights = { 'infra-backend-v1': 0.7, 'infra-backend-v2': 0.3, 'infra-backend-v3': 0 };
    for (let attempt = 1; attempt <= maxWeightTestRetries; attempt++) {
      const problems = await weightedDistributionProblems(send, weights);
      if (problems === undefined) return;
      t.diagnostic(`Traffic distribution test failed (${attempt}/${maxWeightTestRetries}): ${problems}`);
    }
    throw new Error('Weighted distribution tests failed');
  });
});
