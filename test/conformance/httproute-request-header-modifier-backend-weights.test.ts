// Conformance HTTPRouteRequestHeaderModifierBackendWeights (upstream
// httproute-request-header-modifier-backend-weights.go): a backendRef's filters run only when that
// backend is picked, so the Backend header each sets always names the pod that answers.

import { after, before, test } from 'node:test';
import { type ExpectedResponse, makeRequest } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { captureRoundTrip } from './harness/roundtrip.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 53,
  manifests: ['httproute-request-header-modifier-backend-weights.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

const requests = 100;

test('HTTPRouteRequestHeaderModifierBackendWeights', async () => {
  const route = { namespace: ns, name: 'request-header-modifier-backend-weights' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  const expected: ExpectedResponse = { request: { path: '/' }, response: { statusCode: 200 }, namespace: ns };
  // The route must serve before the traffic is checked.
  await suite.expectEventuallyConsistentResponse(gwAddr, expected);

  const request = makeRequest(expected, gwAddr, 'http');
  for (let index = 0; index < requests; index++) {
    const { request: captured } = await captureRoundTrip(request);
    const backends = captured.headers.Backend ?? [];
    if (backends.length !== 1) {
      throw new Error(`expected a single 'Backend' header to have been set, got ${backends.length}`);
    }
    if (!captured.pod.startsWith(backends[0])) {
      throw new Error(
        'expected the backendRef to have set the correct headers and sent the request to the correct ' +
          `pod, got "${captured.pod}", want "${backends[0]}"`,
      );
    }
  }
});
