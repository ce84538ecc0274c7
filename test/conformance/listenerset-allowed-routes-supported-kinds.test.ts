// Conformance ListenerSetAllowedRoutesSupportedKinds (upstream
// listenerset-allowed-routes-supported-kinds.go; GATEWAY-TLS profile, feature TLSRoute): a
// ListenerSet TLS listener that admits only HTTPRoute reports ResolvedRefs=False/InvalidRouteKinds.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayMustHaveCondition,
  listenersMustHaveConditions,
  namespacesMustBeReady,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 170,
  manifests: ['listenerset-allowed-routes-supported-kinds.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('ListenerSetAllowedRoutesSupportedKinds', async () => {
  await namespacesMustBeReady(suite, [ns]);
  const gateway = { namespace: ns, name: 'gateway-with-listener-sets-test-supported-route-kinds' };
  await gatewayMustHaveCondition(suite, gateway, { type: 'Accepted', status: 'True' });

  const listenerSet = { namespace: ns, name: 'listenerset-test-allowed-routes-supported-kinds' };
  await listenersMustHaveConditions(
    suite,
    'ListenerSet',
    listenerSet,
    [{ type: 'ResolvedRefs', status: 'False', reason: 'InvalidRouteKinds' }],
    ['listener-set-listener-allowed-routes-tls-only'],
  );
});
