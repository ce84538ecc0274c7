// Conformance HTTPRouteServiceTypes (upstream httproute-service-types.go): a headless Service, and
// Services (headless or not) whose EndpointSlices are written by hand, are all routable.

import { after, before, test } from 'node:test';
import type { ExpectedResponse } from './harness/expect.ts';
import { testCaseName } from './harness/expect.ts';
import { endpointFor, infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 35, manifests: ['httproute-service-types.yaml'] });
before(() => suite.start());
after(() => suite.stop());

const manualEndpointSlices = ['manual-endpointslices', 'headless-manual-endpointslices'];
const managed = ['headless'];

test('HTTPRouteServiceTypes', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'service-types' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  // Fill the hand-managed slices with the infra-backend-v1 pods. The pods have IPv4 addresses only,
  // so the IPv6 slices stay empty, as upstream leaves them.
  const pods = suite.pods('infra-backend-v1');
  for (const prefix of manualEndpointSlices) {
    await suite.patch('EndpointSlice', { namespace: ns, name: `${prefix}-ip4` }, (slice) => {
      slice.endpoints = pods.map(endpointFor);
    });
  }

  await Promise.all(
    [...manualEndpointSlices, ...managed].map((path, index) => {
      const expected: ExpectedResponse = {
        request: { path: `/${path}` },
        response: { statusCode: 200 },
        backend: 'infra-backend-v1',
        namespace: ns,
      };
      return t.test(testCaseName(expected, index), () =>
        suite.expectEventuallyConsistentResponse(gwAddr, expected),
      );
    }),
  );
});
