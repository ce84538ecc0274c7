// Conformance ListenerSetGatewayParentSectionNameNotFound (upstream
// listenerset-gateway-parent-section-name-not-found.go): a ListenerSet listener is reached through a
// ListenerSet parentRef only; naming it as a section of the Gateway is NoMatchingParent.

import { after, before, test } from 'node:test';
import { withPort } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { gatewayMustHaveAttachedListeners } from './harness/listenerset-status.ts';
import {
  gatewayMustHaveCondition,
  httpRouteMustHaveCondition,
  namespacesMustBeReady,
  routesAndParentMustBeAccepted,
  waitForGatewayAddress,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 173,
  manifests: ['listenerset-gateway-parent-section-name-not-found.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('ListenerSetGatewayParentSectionNameNotFound', async () => {
  await namespacesMustBeReady(suite, [ns]);
  const gateway = { namespace: ns, name: 'gateway-section-name' };
  const gwAddr = withPort(
    await waitForGatewayAddress(suite, { ...gateway, listenerNames: ['gw-listener'] }),
    80,
  );
  await gatewayMustHaveCondition(suite, gateway, { type: 'Accepted', status: 'True' });
  await gatewayMustHaveAttachedListeners(suite, gateway, 1);

  const listenerSet = { namespace: ns, name: 'listenerset-section-name', kind: 'ListenerSet' as const };
  await routesAndParentMustBeAccepted(suite, listenerSet, 'HTTPRoute', [
    { namespace: ns, name: 'route-via-listenerset' },
  ]);
  await httpRouteMustHaveCondition(suite, { namespace: ns, name: 'route-via-gateway' }, gateway, {
    type: 'Accepted',
    status: 'False',
    reason: 'NoMatchingParent',
  });

  await suite.expectEventuallyConsistentResponse(gwAddr, {
    request: { host: 'ls-section-name.com', path: '/goodsection' },
    backend: 'infra-backend-v1',
    namespace: ns,
  });
  await suite.expectEventuallyConsistentResponse(gwAddr, {
    request: { host: 'gw-section.com', path: '/badsection' },
    response: { statusCode: 404 },
  });
});
