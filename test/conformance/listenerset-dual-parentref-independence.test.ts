// Conformance ListenerSetDualParentRefIndependence (upstream listenerset-dual-parentref-independence.go):
// a route with a Gateway and a ListenerSet parentRef gets an Accepted condition per parentRef, each
// judged on its own: a sectionName only the ListenerSet has is NoMatchingParent on the Gateway.

import { after, before, test } from 'node:test';
import { withPort } from './harness/expect.ts';
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

const suite = new ConformanceSuite({
  block: 172,
  manifests: ['listenerset-dual-parentref-independence.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('ListenerSetDualParentRefIndependence', async (t) => {
  await namespacesMustBeReady(suite, [ns]);
  const gateway = { namespace: ns, name: 'gateway-dual-parentref' };
  const gwAddr = withPort(
    await waitForGatewayAddress(suite, { ...gateway, listenerNames: ['gw-dual-parentref-listener'] }),
    80,
  );
  await gatewayMustHaveCondition(suite, gateway, { type: 'Accepted', status: 'True' });
  await gatewayMustHaveAttachedListeners(suite, gateway, 1);

  const listenerSet = { namespace: ns, name: 'ls-dual-parentref' };
  await listenerSetStatusMustHaveListeners(suite, listenerSet, [
    {
      name: 'ls-dual-parentref-listener',
      supportedKinds: httpRouteKinds,
      attachedRoutes: 2,
      conditions: acceptedListenerConditions,
    },
  ]);

  await t.test('Both parentRefs are Accepted', { concurrency: true }, async (t) => {
    const route = { namespace: ns, name: 'route-dual-parentref-both' };
    await httpRouteMustHaveCondition(suite, route, gateway, { type: 'Accepted', status: 'True' });
    await httpRouteMustHaveCondition(suite, route, listenerSet, { type: 'Accepted', status: 'True' });
    await suite.expectResponses(t, gwAddr, [
      { request: { host: 'gw-dual.com', path: '/dualboth' }, backend: 'infra-backend-v1', namespace: ns },
      { request: { host: 'ls-dual.com', path: '/dualboth' }, backend: 'infra-backend-v1', namespace: ns },
    ]);
  });

  await t.test('One of two parentRefs is Accepted', { concurrency: true }, async (t) => {
    const route = { namespace: ns, name: 'route-dual-parentref-one' };
    await httpRouteMustHaveCondition(suite, route, gateway, {
      type: 'Accepted',
      status: 'False',
      reason: 'NoMatchingParent',
    });
    await httpRouteMustHaveCondition(suite, route, listenerSet, { type: 'Accepted', status: 'True' });
    await routesAndParentMustBeAccepted(suite, { ...listenerSet, kind: 'ListenerSet' }, 'HTTPRoute', [route]);
    await suite.expectResponses(t, gwAddr, [
      { request: { host: 'ls-dual.com', path: '/dualone' }, backend: 'infra-backend-v2', namespace: ns },
      { request: { host: 'gw-dual.com', path: '/dualone' }, response: { statusCode: 404 } },
    ]);
  });
});
