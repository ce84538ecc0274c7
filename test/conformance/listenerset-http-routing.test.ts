// Conformance ListenerSetHTTPRouting (upstream listenerset-http-routing.go): routes attached to a
// Gateway serve on the Gateway's listeners only, routes attached to a ListenerSet on that
// ListenerSet's listeners only, sectionName narrows both to one listener, and each listener counts
// the routes it serves.

import { after, before, test } from 'node:test';
import type { ExpectedResponse } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  acceptedListenerConditions,
  gatewayMustHaveAttachedListeners,
  httpRouteKinds,
  listenerSetStatusMustHaveListeners,
} from './harness/listenerset-status.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  namespacesMustBeReady,
  routesAndParentMustBeAccepted,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 175, manifests: ['listenerset-http-routing.yaml'] });
before(() => suite.start());
after(() => suite.stop());

const hosts = {
  gateway1: 'gateway-listener-1.com',
  gateway2: 'gateway-listener-2.com',
  set1Listener1: 'listener-set-http-routing-1-listener-1.com',
  set1Listener2: 'listener-set-http-routing-1-listener-2.com',
  set2Listener1: 'listener-set-http-routing-2-listener-1.com',
  set2Listener2: 'listener-set-http-routing-2-listener-2.com',
};

/** One case per host, in upstream's order: served by `backend` on `servedOn`, 404 elsewhere. */
function casesFor(path: string, backend: string, servedOn: string[]): ExpectedResponse[] {
  return Object.values(hosts).map((host) =>
    servedOn.includes(host)
      ? { request: { host, path }, backend, namespace: ns }
      : { request: { host, path }, response: { statusCode: 404 } },
  );
}

test('ListenerSetHTTPRouting', { concurrency: true }, async (t) => {
  await namespacesMustBeReady(suite, [ns]);
  const gateway = { namespace: ns, name: 'gateway-with-listener-sets-http-routing' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(
    suite,
    { ...gateway, listenerNames: ['gateway-listener'] },
    [
      { namespace: ns, name: 'attaches-to-all-listeners' },
      { namespace: ns, name: 'gateway-route' },
      { namespace: ns, name: 'gateway-section-route' },
    ],
  );
  await gatewayMustHaveAttachedListeners(suite, gateway, 2);

  const listenerSet1 = { namespace: ns, name: 'listener-set-http-routing-1' };
  await routesAndParentMustBeAccepted(suite, { ...listenerSet1, kind: 'ListenerSet' }, 'HTTPRoute', [
    { namespace: ns, name: 'attaches-to-all-listeners' },
    { namespace: ns, name: 'listener-set-http-routing-1-route' },
    { namespace: ns, name: 'listener-set-http-routing-1-section-route' },
  ]);
  await listenerSetStatusMustHaveListeners(suite, listenerSet1, [
    {
      name: 'listener-set-http-routing-1-listener-1',
      supportedKinds: httpRouteKinds,
      attachedRoutes: 3,
      conditions: acceptedListenerConditions,
    },
    {
      name: 'listener-set-http-routing-1-listener-2',
      supportedKinds: httpRouteKinds,
      attachedRoutes: 2,
      conditions: acceptedListenerConditions,
    },
  ]);

  const listenerSet2 = { namespace: ns, name: 'listener-set-http-routing-2' };
  await routesAndParentMustBeAccepted(suite, { ...listenerSet2, kind: 'ListenerSet' }, 'HTTPRoute', [
    { namespace: ns, name: 'attaches-to-all-listeners' },
    { namespace: ns, name: 'listener-set-http-routing-2-route' },
  ]);
  await listenerSetStatusMustHaveListeners(suite, listenerSet2, [
    {
      name: 'listener-set-http-routing-2-listener-1',
      supportedKinds: httpRouteKinds,
      attachedRoutes: 2,
      conditions: acceptedListenerConditions,
    },
    {
      name: 'listener-set-http-routing-2-listener-2',
      supportedKinds: httpRouteKinds,
      attachedRoutes: 2,
      conditions: acceptedListenerConditions,
    },
  ]);

  await suite.expectResponses(t, gwAddr, [
    ...casesFor('/route', 'infra-backend-v1', Object.values(hosts)),
    ...casesFor('/gateway-route', 'infra-backend-v2', [hosts.gateway1, hosts.gateway2]),
    ...casesFor('/gateway-section-route', 'infra-backend-v3', [hosts.gateway1]),
    ...casesFor('/listener-set-http-routing-1-route', 'infra-backend-v2', [
      hosts.set1Listener1,
      hosts.set1Listener2,
    ]),
    ...casesFor('/listener-set-http-routing-1-section-route', 'infra-backend-v3', [hosts.set1Listener1]),
    ...casesFor('/listener-set-http-routing-2-route', 'infra-backend-v2', [
      hosts.set2Listener1,
      hosts.set2Listener2,
    ]),
  ]);
});
