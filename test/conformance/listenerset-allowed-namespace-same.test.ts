// Conformance ListenerSetAllowedNamespaceSame (upstream listenerset-allowed-namespace-same.go): a
// Gateway admitting ListenerSets from its own namespace attaches the one there (Accepted,
// Programmed, listeners ready) and rejects the one from another namespace (NotAllowed).

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  acceptedListenerConditions,
  gatewayMustHaveAttachedListeners,
  listenerSetMustBeRejected,
  listenerSetMustHaveCondition,
} from './harness/listenerset-status.ts';
import {
  gatewayMustHaveCondition,
  listenersMustHaveConditions,
  namespacesMustBeReady,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 167, manifests: ['listenerset-allowed-namespace-same.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('ListenerSetAllowedNamespaceSame', async () => {
  await namespacesMustBeReady(suite, [ns]);
  const gateway = { namespace: ns, name: 'gateway-allows-listenerset-in-same-namespace' };
  await gatewayMustHaveCondition(suite, gateway, { type: 'Accepted', status: 'True' });
  await gatewayMustHaveAttachedListeners(suite, gateway, 1);

  const allowed = { namespace: ns, name: 'listenerset-in-same-namespace' };
  await listenerSetMustHaveCondition(suite, allowed, {
    type: 'Accepted',
    status: 'True',
    reason: 'Accepted',
  });
  await listenerSetMustHaveCondition(suite, allowed, {
    type: 'Programmed',
    status: 'True',
    reason: 'Programmed',
  });
  await listenersMustHaveConditions(suite, 'ListenerSet', allowed, acceptedListenerConditions, [
    'listenerset-in-same-namespace-listener',
  ]);

  const disallowed = {
    namespace: 'gateway-api-listenerset-not-allowed-ns',
    name: 'listenerset-in-different-namespace',
  };
  await listenerSetMustBeRejected(suite, disallowed, 'NotAllowed');
});
