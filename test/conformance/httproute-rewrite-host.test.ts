// Conformance HTTPRouteRewriteHost (upstream httproute-rewrite-host.go): URLRewrite replaces the Host the
// backend sees, per rule, and together with a RequestHeaderModifier.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 61, manifests: ['httproute-rewrite-host.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteRewriteHost', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'rewrite-host' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await suite.expectResponses(t, gwAddr, [
    {
      request: { path: '/one', host: 'rewrite.example' },
      expectedRequest: { path: '/one', host: 'one.example.org' },
      backend: 'infra-backend-v1',
      namespace: ns,
    },
    {
      request: { path: '/two', host: 'rewrite.example' },
      expectedRequest: { path: '/two', host: 'example.org' },
      backend: 'infra-backend-v2',
      namespace: ns,
    },
    {
      request: {
        path: '/rewrite-host-and-modify-headers',
        host: 'rewrite.example',
        headers: { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1' },
      },
      expectedRequest: {
        path: '/rewrite-host-and-modify-headers',
        host: 'test.example.org',
        headers: {
          'X-Header-Add': 'header-val-1',
          'X-Header-Add-Append': 'append-val-1,header-val-2',
          'X-Header-Set': 'set-overwrites-values',
        },
        absentHeaders: ['X-Header-Remove'],
      },
      backend: 'infra-backend-v2',
      namespace: ns,
    },
  ]);
});
