// Conformance HTTPRouteRequestMultipleMirrors (upstream httproute-request-multiple-mirrors.go): two
// RequestMirror filters on a rule each send a copy, to infra-backend-v2 and -v3, also after a
// RequestHeaderModifier.

import { after, before, test } from 'node:test';
import { testCaseName } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { expectMirroredResponse } from './harness/mirror.ts';
import { gatewayAndHTTPRoutesMustBeAccepted } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 72, manifests: ['httproute-request-multiple-mirrors.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteRequestMultipleMirrors', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'request-multiple-mirrors' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);

  const mirroredTo = [
    { name: 'infra-backend-v2', namespace: ns },
    { name: 'infra-backend-v3', namespace: ns },
  ];
  const cases = [
    {
      request: { path: '/multi-mirror' },
      expectedRequest: { path: '/multi-mirror' },
      backend: 'infra-backend-v1',
      namespace: ns,
    },
    {
      request: {
        path: '/multi-mirror-and-modify-request-headers',
        headers: { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1' },
      },
      expectedRequest: {
        path: '/multi-mirror-and-modify-request-headers',
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
