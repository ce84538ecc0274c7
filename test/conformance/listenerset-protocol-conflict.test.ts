// Conformance ListenerSetProtocolConflict (upstream listenerset-protocol-conflict.go): a ListenerSet
// listener that takes port 80 with another protocol than a Gateway listener's, or an older ListenerSet's, is
// Conflicted (ProtocolConflict) and neither Accepted nor Programmed; the listener that came first keeps
// serving. A ListenerSet with no valid listener left is not Accepted (ListenersNotValid), nor counted.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  acceptedListenerConditions,
  gatewayMustHaveAttachedListeners,
  listenerSetMustHaveCondition,
} from './harness/listenerset-status.ts';
import {
  type ExpectedCondition,
  gatewayMustHaveCondition,
  listenersMustHaveConditions,
  namespacesMustBeReady,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 176, manifests: ['listenerset-protocol-conflict.yaml'] });
before(() => suite.start());
after(() => suite.stop());

const conflicted: ExpectedCondition[] = [
  { type: 'Accepted', status: 'False', reason: 'ProtocolConflict' },
  { type: 'Programmed', status: 'False', reason: 'ProtocolConflict' },
  { type: 'Conflicted', status: 'True', reason: 'ProtocolConflict' },
];

test('ListenerSetProtocolConflict', async () => {
  await namespacesMustBeReady(suite, [ns]);
  const gateway = { namespace: ns, name: 'gateway-with-listenerset-protocol-conflict' };
  await gatewayMustHaveCondition(suite, gateway, { type: 'Accepted', status: 'True' });
  await listenersMustHaveConditions(suite, 'Gateway', gateway, acceptedListenerConditions, [
    'gateway-listener',
  ]);
  // The first of the conflicting listeners wins.
  await listenersMustHaveConditions(suite, 'Gateway', gateway, acceptedListenerConditions, [
    'protocol-conflict-with-gateway-listener',
  ]);
  // Accepted: the two ListenerSets that keep a valid listener; not the two whose only listener conflicts.
  await gatewayMustHaveAttachedListeners(suite, gateway, 2);

  const withValidListener = async (name: string, valid: string, conflicting: string, winning?: string) => {
    const listenerSet = { namespace: ns, name };
    await listenerSetMustHaveCondition(suite, listenerSet, { type: 'Accepted', status: 'True' });
    await listenerSetMustHaveCondition(suite, listenerSet, {
      type: 'Programmed',
      status: 'True',
      reason: 'Programmed',
    });
    await listenersMustHaveConditions(suite, 'ListenerSet', listenerSet, acceptedListenerConditions, [valid]);
    await listenersMustHaveConditions(suite, 'ListenerSet', listenerSet, conflicted, [conflicting]);
    if (winning) {
      await listenersMustHaveConditions(suite, 'ListenerSet', listenerSet, acceptedListenerConditions, [
        winning,
      ]);
    }
  };
  const withoutValidListener = async (name: string, conflicting: string) => {
    const listenerSet = { namespace: ns, name };
    await listenerSetMustHaveCondition(suite, listenerSet, {
      type: 'Accepted',
      status: 'False',
      reason: 'ListenersNotValid',
    });
    await listenerSetMustHaveCondition(suite, listenerSet, {
      type: 'Programmed',
      status: 'False',
      reason: 'ListenersNotValid',
    });
    await listenersMustHaveConditions(suite, 'ListenerSet', listenerSet, conflicted, [conflicting]);
  };

  await withValidListener(
    'listenerset-with-protocol-conflict-with-gateway-1',
    'listener-set-1-listener',
    'protocol-conflict-with-gateway-listener',
    'protocol-conflict-with-listener-set-listener',
  );
  await withoutValidListener(
    'listenerset-with-protocol-conflict-with-gateway-2',
    'protocol-conflict-with-gateway-listener',
  );
  await withValidListener(
    'listenerset-with-protocol-conflict-with-listener-set-1',
    'listener-set-2-listener',
    'protocol-conflict-with-listener-set-listener',
  );
  await withoutValidListener(
    'listenerset-with-protocol-conflict-with-listener-set-2',
    'protocol-conflict-with-listener-set-listener',
  );
});
