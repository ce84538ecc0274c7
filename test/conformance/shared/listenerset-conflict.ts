// The test body of upstream's ListenerSetHostnameConflict and ListenerSetProtocolConflict
// (listenerset-hostname-conflict.go, listenerset-protocol-conflict.go), the same steps over manifests that
// differ only in what conflicts: a ListenerSet listener that repeats a Gateway listener's, or an older
// ListenerSet's, hostname (or takes its port with another protocol) is Conflicted and neither Accepted nor
// Programmed; the listener that came first keeps serving. A ListenerSet with no valid listener left is not
// Accepted (ListenersNotValid), nor counted.

import { infraNamespace as ns } from '../harness/fixtures.ts';
import {
  acceptedListenerConditions,
  gatewayMustHaveAttachedListeners,
  listenerSetMustBeRejected,
  listenerSetMustHaveCondition,
} from '../harness/listenerset-status.ts';
import {
  type ExpectedCondition,
  gatewayMustHaveCondition,
  listenersMustHaveConditions,
  namespacesMustBeReady,
} from '../harness/status.ts';
import type { ConformanceSuite } from '../harness.ts';

/** What conflicts: it names the manifests' objects (`hostname-conflict-…`) and the condition reason. */
export type ListenerConflict = 'hostname' | 'protocol';

const reasons: Record<ListenerConflict, string> = {
  hostname: 'HostnameConflict',
  protocol: 'ProtocolConflict',
};

export async function listenerSetConflictTest(
  suite: ConformanceSuite,
  conflict: ListenerConflict,
): Promise<void> {
  const reason = reasons[conflict];
  const conflicted: ExpectedCondition[] = [
    { type: 'Accepted', status: 'False', reason },
    { type: 'Programmed', status: 'False', reason },
    { type: 'Conflicted', status: 'True', reason },
  ];
  const withGatewayListener = `${conflict}-conflict-with-gateway-listener`;
  const withListenerSetListener = `${conflict}-conflict-with-listener-set-listener`;

  await namespacesMustBeReady(suite, [ns]);
  const gateway = { namespace: ns, name: `gateway-with-listenerset-${conflict}-conflict` };
  await gatewayMustHaveCondition(suite, gateway, { type: 'Accepted', status: 'True' });
  await listenersMustHaveConditions(suite, 'Gateway', gateway, acceptedListenerConditions, [
    'gateway-listener',
  ]);
  // The first of the conflicting listeners wins.
  await listenersMustHaveConditions(suite, 'Gateway', gateway, acceptedListenerConditions, [
    withGatewayListener,
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
    await listenerSetMustBeRejected(suite, listenerSet, 'ListenersNotValid');
    await listenersMustHaveConditions(suite, 'ListenerSet', listenerSet, conflicted, [conflicting]);
  };

  await withValidListener(
    `listenerset-with-${conflict}-conflict-with-gateway-1`,
    'listener-set-1-listener',
    withGatewayListener,
    withListenerSetListener,
  );
  await withoutValidListener(`listenerset-with-${conflict}-conflict-with-gateway-2`, withGatewayListener);
  await withValidListener(
    `listenerset-with-${conflict}-conflict-with-listener-set-1`,
    'listener-set-2-listener',
    withListenerSetListener,
  );
  await withoutValidListener(
    `listenerset-with-${conflict}-conflict-with-listener-set-2`,
    withListenerSetListener,
  );
}
