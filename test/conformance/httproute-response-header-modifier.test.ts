// Conformance HTTPRouteResponseHeaderModifier (upstream httproute-response-header-modifier.go): on the
// headers the echo backend plants, set replaces, add appends, remove deletes, several at once, names
// in any case, and together with a RequestHeaderModifier on the same rule.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 51, manifests: ['httproute-response-header-modifier.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteResponseHeaderModifier', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'response-header-modifier' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  const v1 = { backend: 'infra-backend-v1', namespace: ns };
  await suite.expectResponses(t, gwAddr, [
    {
      request: { path: '/set' },
      backendSetResponseHeaders: { 'Some-Other-Header': 'val' },
      response: { headers: { 'Some-Other-Header': 'val', 'X-Header-Set': 'set-overwrites-values' } },
      ...v1,
    },
    {
      request: { path: '/set' },
      backendSetResponseHeaders: { 'Some-Other-Header': 'val', 'X-Header-Set': 'some-other-value' },
      response: { headers: { 'Some-Other-Header': 'val', 'X-Header-Set': 'set-overwrites-values' } },
      ...v1,
    },
    {
      request: { path: '/add' },
      backendSetResponseHeaders: { 'Some-Other-Header': 'val' },
      response: { headers: { 'Some-Other-Header': 'val', 'X-Header-Add': 'add-appends-values' } },
      ...v1,
    },
    {
      request: { path: '/add' },
      backendSetResponseHeaders: { 'Some-Other-Header': 'val', 'X-Header-Add': 'some-other-value' },
      response: {
        headers: { 'Some-Other-Header': 'val', 'X-Header-Add': 'some-other-value,add-appends-values' },
      },
      ...v1,
    },
    {
      request: { path: '/remove' },
      backendSetResponseHeaders: { 'X-Header-Remove': 'val' },
      response: { absentHeaders: ['X-Header-Remove'] },
      ...v1,
    },
    {
      request: { path: '/multiple' },
      backendSetResponseHeaders: {
        'X-Header-Set-2': 'set-val-2',
        'X-Header-Add-2': 'add-val-2',
        'X-Header-Remove-2': 'remove-val-2',
        'Another-Header': 'another-header-val',
        'X-Header-Remove-1': 'val',
      },
      response: {
        headers: {
          'X-Header-Set-1': 'header-set-1',
          'X-Header-Set-2': 'header-set-2',
          'X-Header-Add-1': 'header-add-1',
          'X-Header-Add-2': 'add-val-2,header-add-2',
          'X-Header-Add-3': 'header-add-3',
          'Another-Header': 'another-header-val',
        },
        absentHeaders: ['X-Header-Remove-1', 'X-Header-Remove-2'],
      },
      ...v1,
    },
    {
      // The backend plants the headers in lower case; the filter names them in any case.
      request: { path: '/case-insensitivity' },
      backendSetResponseHeaders: {
        'x-header-set': 'original-val-set',
        'x-header-add': 'original-val-add',
        'x-header-remove': 'original-val-remove',
        'Another-Header': 'another-header-val',
      },
      response: {
        headers: {
          'X-Header-Set': 'header-set',
          'X-Header-Add': 'original-val-add,header-add',
          'X-Lowercase-Add': 'lowercase-add',
          'X-Mixedcase-Add-1': 'mixedcase-add-1',
          'X-Mixedcase-Add-2': 'mixedcase-add-2',
          'X-Uppercase-Add': 'uppercase-add',
          'Another-Header': 'another-header-val',
        },
        absentHeaders: ['x-header-remove', 'X-Header-Remove'],
      },
      ...v1,
    },
    {
      request: {
        path: '/response-and-request-header-modifiers',
        headers: {
          'X-Header-Remove': 'remove-val',
          'X-Header-Add-Append': 'append-val-1',
          'X-Header-Echo': 'echo',
        },
      },
      backendSetResponseHeaders: {
        'X-Header-Set-2': 'set-val-2',
        'X-Header-Add-2': 'add-val-2',
        'X-Header-Remove-2': 'remove-val-2',
        'Another-Header': 'another-header-val',
        'X-Header-Remove-1': 'remove-val-1',
        'X-Header-Echo': 'echo',
      },
      expectedRequest: {
        path: '/response-and-request-header-modifiers',
        headers: {
          'X-Header-Add': 'header-val-1',
          'X-Header-Set': 'set-overwrites-values',
          'X-Header-Add-Append': 'append-val-1,header-val-2',
          'X-Header-Echo': 'echo',
        },
        absentHeaders: ['X-Header-Remove'],
      },
      response: {
        headers: {
          'X-Header-Set-1': 'header-set-1',
          'X-Header-Set-2': 'header-set-2',
          'X-Header-Add-1': 'header-add-1',
          'X-Header-Add-2': 'add-val-2,header-add-2',
          'Another-Header': 'another-header-val',
          'X-Header-Echo': 'echo',
        },
        absentHeaders: ['X-Header-Remove-1', 'X-Header-Remove-2'],
      },
      ...v1,
    },
  ]);
});
