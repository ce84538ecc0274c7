// Conformance ListenerSetAllowedRoutesNamespaces (upstream listenerset-allowed-routes-namespaces.go):
// a ListenerSet listener admits routes from All, Same (the ListenerSet's namespace, not the
// Gateway's) or Selector namespaces, counts the ones it admits, and serves only those.

import { after, before, test } from 'node:test';
import { type ExpectedResponse, withPort } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  acceptedListenerConditions,
  gatewayMustHaveAttachedListeners,
  httpRouteKinds,
  listenerSetStatusMustHaveListeners,
} from './harness/listenerset-status.ts';
import {
  gatewayMustHaveCondition,
  httpRouteMustHaveCondition,
  namespacesMustBeReady,
  routesAndParentMustBeAccepted,
  waitForGatewayAddress,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 169, manifests: ['listenerset-allowed-routes-namespaces.yaml'] });
before(() => suite.start());
after(() => suite.stop());

const notFound = (host: string, path: string): ExpectedResponse => ({
  request: { host, path },
  response: { statusCode: 404 },
});

test('ListenerSetAllowedRoutesNamespaces', async (t) => {
  await namespacesMustBeReady(suite, [ns]);
  const gateway = { namespace: ns, name: 'gateway-with-listener-sets-test-allowed-routes' };
  const gwAddr = withPort(
    await waitForGatewayAddress(suite, { ...gateway, listenerNames: ['gateway-listener'] }),
    80,
  );
  await gatewayMustHaveCondition(suite, gateway, { type: 'Accepted', status: 'True' });
  await gatewayMustHaveAttachedListeners(suite, gateway, 2);

  await t.test('Same-namespace ListenerSet', { concurrency: true }, async (t) => {
    const listenerSet = { namespace: ns, name: 'listenerset-test-allowed-routes-namespaces' };
    const routes = [
      { namespace: ns, name: 'route-in-same-namespace' },
      { namespace: 'gateway-api-routes-allowed-ns', name: 'route-in-selected-namespace' },
      { namespace: 'gateway-api-routes-not-allowed-ns', name: 'route-not-in-selected-namespace' },
    ];
    await routesAndParentMustBeAccepted(suite, { ...listenerSet, kind: 'ListenerSet' }, 'HTTPRoute', routes);
    await listenerSetStatusMustHaveListeners(suite, listenerSet, [
      {
        name: 'listener-set-listener-allowed-routes-all',
        supportedKinds: httpRouteKinds,
        attachedRoutes: 3,
        conditions: acceptedListenerConditions,
      },
      {
        name: 'listener-set-listener-allowed-routes-same',
        supportedKinds: httpRouteKinds,
        attachedRoutes: 1,
        conditions: acceptedListenerConditions,
      },
      {
        name: 'listener-set-listener-allowed-routes-selector',
        supportedKinds: httpRouteKinds,
        attachedRoutes: 1,
        conditions: acceptedListenerConditions,
      },
    ]);

    const all = 'listener-set-listener-allowed-routes-all.com';
    const same = 'listener-set-listener-allowed-routes-same.com';
    const selector = 'listener-set-listener-allowed-routes-selector.com';
    await suite.expectResponses(t, gwAddr, [
      {
        request: { host: all, path: '/route-in-same-namespace' },
        backend: 'infra-backend-v1',
        namespace: ns,
      },
      {
        request: { host: all, path: '/route-in-selected-namespace' },
        backend: 'infra-backend-v2',
        namespace: ns,
      },
      {
        request: { host: all, path: '/route-not-in-selected-namespace' },
        backend: 'infra-backend-v3',
        namespace: ns,
      },
      {
        request: { host: same, path: '/route-in-same-namespace' },
        backend: 'infra-backend-v1',
        namespace: ns,
      },
      notFound(same, '/route-in-selected-namespace'),
      notFound(same, '/route-not-in-selected-namespace'),
      notFound(selector, '/route-in-same-namespace'),
      {
        request: { host: selector, path: '/route-in-selected-namespace' },
        backend: 'infra-backend-v2',
        namespace: ns,
      },
      notFound(selector, '/route-not-in-selected-namespace'),
    ]);
  });

  await t.test('Cross-namespace ListenerSet', { concurrency: true }, async (t) => {
    const listenerSetNamespace = 'gateway-api-ls-cross-ns';
    const listenerSet = { namespace: listenerSetNamespace, name: 'listenerset-test-allowed-routes-cross-ns' };
    await routesAndParentMustBeAccepted(suite, { ...listenerSet, kind: 'ListenerSet' }, 'HTTPRoute', [
      { namespace: listenerSetNamespace, name: 'route-in-listenerset-namespace' },
    ]);
    await httpRouteMustHaveCondition(
      suite,
      { namespace: ns, name: 'route-in-gateway-namespace' },
      listenerSet,
      {
        type: 'Accepted',
        status: 'False',
        reason: 'NotAllowedByListeners',
      },
    );
    await listenerSetStatusMustHaveListeners(suite, listenerSet, [
      {
        name: 'listener-set-listener-allowed-routes-cross-ns-same',
        supportedKinds: httpRouteKinds,
        attachedRoutes: 1,
        conditions: acceptedListenerConditions,
      },
    ]);

    const host = 'listener-set-listener-allowed-routes-cross-ns-same.com';
    await suite.expectResponses(t, gwAddr, [
      {
        request: { host, path: '/route-in-listenerset-namespace' },
        backend: 'infra-backend-v1',
        namespace: ns,
      },
      notFound(host, '/route-in-gateway-namespace'),
    ]);
  });
});
