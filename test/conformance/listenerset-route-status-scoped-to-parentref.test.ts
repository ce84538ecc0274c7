// Conformance ListenerSetRouteStatusScopedToParentRef (upstream
// listenerset-route-status-scoped-to-parentref.go): a route's status.parents holds entries for the
// parentRefs it declares: a route on the Gateway gets a Gateway entry, a route on the ListenerSet a
// ListenerSet entry.

import { after, before, test } from 'node:test';
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
  httpRouteMustHaveParents,
  namespacesMustBeReady,
  routesAndParentMustBeAccepted,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 178,
  manifests: ['listenerset-route-status-scoped-to-parentref.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

const gatewayGroup = 'gateway.networking.k8s.io';

test('ListenerSetRouteStatusScopedToParentRef', async (t) => {
  await namespacesMustBeReady(suite, [ns]);
  const gateway = { namespace: ns, name: 'gateway-parentref' };
  await gatewayMustHaveCondition(suite, gateway, { type: 'Accepted', status: 'True' });
  await gatewayMustHaveAttachedListeners(suite, gateway, 1);

  const listenerSet = { namespace: ns, name: 'listenerset-parentref' };
  await listenerSetStatusMustHaveListeners(suite, listenerSet, [
    {
      name: 'listenerset-parentref-listener',
      supportedKinds: httpRouteKinds,
      attachedRoutes: 1,
      conditions: acceptedListenerConditions,
    },
  ]);

  await t.test('Gateway-only parentRef', async () => {
    const route = { namespace: ns, name: 'route-parentref-gwonly' };
    await httpRouteMustHaveCondition(suite, route, gateway, { type: 'Accepted', status: 'True' });
    await httpRouteMustHaveParents(
      suite,
      route,
      [
        {
          parentRef: { group: gatewayGroup, kind: 'Gateway', namespace: ns, name: 'gateway-parentref' },
          controllerName: suite.controllerName,
          conditions: [{ type: 'Accepted', status: 'True' }],
        },
      ],
      true,
    );
  });

  await t.test('ListenerSet-only parentRef', async () => {
    const route = { namespace: ns, name: 'route-parentref-lsonly' };
    await routesAndParentMustBeAccepted(suite, { ...listenerSet, kind: 'ListenerSet' }, 'HTTPRoute', [route]);
    await httpRouteMustHaveParents(
      suite,
      route,
      [
        {
          parentRef: {
            group: gatewayGroup,
            kind: 'ListenerSet',
            namespace: ns,
            name: 'listenerset-parentref',
          },
          controllerName: suite.controllerName,
          conditions: [{ type: 'Accepted', status: 'True' }],
        },
      ],
      true,
    );
  });
});
