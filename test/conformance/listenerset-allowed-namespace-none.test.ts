// Conformance ListenerSetAllowedNamespaceNone (upstream listenerset-allowed-namespace-none.go): a
// Gateway whose allowedListeners admit no namespace attaches no ListenerSet, and the ListenerSet
// reports NotAllowed.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { gatewayMustHaveAttachedListeners, listenerSetMustBeRejected } from './harness/listenerset-status.ts';
import { gatewayMustHaveCondition, namespacesMustBeReady } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 166, manifests: ['listenerset-allowed-namespace-none.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('ListenerSetAllowedNamespaceNone', async () => {
  await namespacesMustBeReady(suite, [ns]);
  const gateway = { namespace: ns, name: 'gateway-does-not-allow-listenerset' };
  await gatewayMustHaveCondition(suite, gateway, { type: 'Accepted', status: 'True' });
  await gatewayMustHaveAttachedListeners(suite, gateway, 0);

  const disallowed = { namespace: ns, name: 'listenerset-not-allowed' };
  await listenerSetMustBeRejected(suite, disallowed, 'NotAllowed');
});
