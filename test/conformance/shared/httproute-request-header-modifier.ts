// The test body upstream's HTTPRouteRequestHeaderModifier and HTTPRouteBackendRequestHeaderModifier
// share (httproute-request-header-modifier.go): set replaces, add appends after existing values,
// remove deletes, several at once, names in any case. Only the manifests differ: filters on the rule,
// or on its backendRef.

import type { TestContext } from 'node:test';
import { infraNamespace as ns } from '../harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from '../harness/status.ts';
import type { ConformanceSuite } from '../harness.ts';

export async function requestHeaderModifierTest(suite: ConformanceSuite, t: TestContext): Promise<void> {
  const route = { namespace: ns, name: 'request-header-modifier' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  const v1 = { backend: 'infra-backend-v1', namespace: ns };
  await suite.expectResponses(t, gwAddr, [
    {
      request: { path: '/set', headers: { 'Some-Other-Header': 'val' } },
      expectedRequest: {
        path: '/set',
        headers: { 'Some-Other-Header': 'val', 'X-Header-Set': 'set-overwrites-values' },
      },
      ...v1,
    },
    {
      request: { path: '/set', headers: { 'Some-Other-Header': 'val', 'X-Header-Set': 'some-other-value' } },
      expectedRequest: {
        path: '/set',
        headers: { 'Some-Other-Header': 'val', 'X-Header-Set': 'set-overwrites-values' },
      },
      ...v1,
    },
    {
      request: { path: '/add', headers: { 'Some-Other-Header': 'val' } },
      expectedRequest: {
        path: '/add',
        headers: { 'Some-Other-Header': 'val', 'X-Header-Add': 'add-appends-values' },
      },
      ...v1,
    },
    {
      request: { path: '/add', headers: { 'Some-Other-Header': 'val', 'X-Header-Add': 'some-other-value' } },
      expectedRequest: {
        path: '/add',
        headers: { 'Some-Other-Header': 'val', 'X-Header-Add': 'some-other-value,add-appends-values' },
      },
      ...v1,
    },
    {
      request: { path: '/remove', headers: { 'X-Header-Remove': 'val' } },
      expectedRequest: { path: '/remove', absentHeaders: ['X-Header-Remove'] },
      ...v1,
    },
    {
      request: {
        path: '/multiple',
        headers: {
          'X-Header-Set-2': 'set-val-2',
          'X-Header-Add-2': 'add-val-2',
          'X-Header-Remove-2': 'remove-val-2',
          'Another-Header': 'another-header-val',
        },
      },
      expectedRequest: {
        path: '/multiple',
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
      // The filter names the headers in canonical case; the client sends them in lower case.
      request: {
        path: '/case-insensitivity',
        headers: {
          'x-header-set': 'original-val-set',
          'x-header-add': 'original-val-add',
          'x-header-remove': 'original-val-remove',
          'Another-Header': 'another-header-val',
        },
      },
      expectedRequest: {
        path: '/case-insensitivity',
        headers: {
          'X-Header-Set': 'header-set',
          'X-Header-Add': 'original-val-add,header-add',
          'Another-Header': 'another-header-val',
        },
        absentHeaders: ['x-header-remove', 'X-Header-Remove'],
      },
      ...v1,
    },
  ]);
}
