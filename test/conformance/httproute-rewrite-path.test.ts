// Conformance HTTPRouteRewritePath (upstream httproute-rewrite-path.go): URLRewrite replaces the matched
// prefix (down to a bare /) or the whole path, also together with a RequestHeaderModifier.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 62, manifests: ['httproute-rewrite-path.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteRewritePath', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'rewrite-path' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  const v1 = { backend: 'infra-backend-v1', namespace: ns };
  const rewritten = (path: string, to: string) => ({
    request: { path },
    expectedRequest: { path: to },
    ...v1,
  });
  const sentHeaders = {
    'X-Header-Remove': 'remove-val',
    'X-Header-Add-Append': 'append-val-1',
    'X-Header-Set': 'set-val',
  };
  const modifiedHeaders = {
    'X-Header-Add': 'header-val-1',
    'X-Header-Add-Append': 'append-val-1,header-val-2',
    'X-Header-Set': 'set-overwrites-values',
  };
  await suite.expectResponses(t, gwAddr, [
    rewritten('/prefix/one/two', '/one/two'),
    rewritten('/strip-prefix/three', '/three'),
    rewritten('/strip-prefix', '/'),
    rewritten('/full/one/two', '/one'),
    {
      request: { path: '/full/rewrite-path-and-modify-headers/test', headers: sentHeaders },
      expectedRequest: { path: '/test', headers: modifiedHeaders, absentHeaders: ['X-Header-Remove'] },
      ...v1,
    },
    {
      request: { path: '/prefix/rewrite-path-and-modify-headers/one', headers: sentHeaders },
      expectedRequest: { path: '/prefix/one', headers: modifiedHeaders, absentHeaders: ['X-Header-Remove'] },
      ...v1,
    },
  ]);
});
