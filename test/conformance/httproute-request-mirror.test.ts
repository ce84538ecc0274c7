// Conformance HTTPRouteRequestMirror (upstream httproute-request-mirror.go): a RequestMirror filter sends
// a copy of each request to infra-backend-v2 while infra-backend-v1 answers; a mirror after a
// RequestHeaderModifier carries the modified request.

import { after, before, test } from 'node:test';
import { testCaseName } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { expectMirroredResponse } from './harness/mirror.ts';
import { gatewayAndHTTPRoutesMustBeAccepted } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 71, manifests: ['httproute-request-mirror.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteRequestMirror', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'request-mirror' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);

  const mirroredTo = [{ name: 'infra-backend-v2', namespace: ns }];
  const cases = [
    {
      request: { path: '/mirror' },
      expectedRequest: { path: '/mirror' },
      backend: 'infra-backend-v1',
      namespace: ns,
    },
    {
      request: {
        path: '/mirror-and-modify-headers',
        headers: { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1' },
      },
      expectedRequest: {
        path: '/mirror-and-modify-headers',
        headers: {
          'X-Header-Add': 'header-val-1',
          'X-Header-Add-Append': 'append-val-1,header-val-2',
          'X-Header-Set': 'set-overwrites-values',
        },
        absentHeaders: ['X-Header-Remove'],
      },
      backend: 'infra-backend-v1',
      namespace: ns,
    },
  ];
  await Promise.all(
    cases.map((expected, index) =>
      t.test(testCaseName(expected, index), () =>
        expectMirroredResponse(suite, gwAddr, expected, mirroredTo),
      ),
    ),
  );
});
