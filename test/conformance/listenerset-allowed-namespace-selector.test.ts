// Conformance ListenerSetAllowedNamespaceSelector (upstream listenerset-allowed-namespace-selector.go):
// a Gateway admitting ListenerSets from namespaces labelled allowed=ns attaches the one there and
// rejects the one from an unlabelled namespace (NotAllowed).

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

const suite = new ConformanceSuite({
  block: 168,
  manifests: ['listenerset-allowed-namespace-selector.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('ListenerSetAllowedNamespaceSelector', async () => {
  await namespacesMustBeReady(suite, [ns]);
  const gateway = { namespace: ns, name: 'gateway-allows-listenerset-in-selected-namespace' };
  await gatewayMustHaveCondition(suite, gateway, { type: 'Accepted', status: 'True' });
  await gatewayMustHaveAttachedListeners(suite, gateway, 1);

  const allowed = {
    namespace: 'gateway-api-listenerset-selector-allowed-ns',
    name: 'listenerset-in-selected-namespace',
  };
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
    'listenerset-in-selected-namespace-listener',
  ]);

  const disallowed = {
    namespace: 'gateway-api-listenerset-selector-not-allowed-ns',
    name: 'listenerset-not-in-selected-namespace',
  };
  await listenerSetMustBeRejected(suite, disallowed, 'NotAllowed');
});
