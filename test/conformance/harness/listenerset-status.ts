// ListenerSet status assertions of upstream `conformance/utils/kubernetes/helpers.go`, read through the
// admin API: a ListenerSet's conditions and listeners, and how many ListenerSets a Gateway counts.

import { attachedListenerSetsOf, conditionsOf, listenersOf } from './admin.ts';
import { formatName, type NamespacedName } from './manifest-store.ts';
import {
  conditionsMatch,
  type ExpectedCondition,
  type ExpectedListener,
  fetchObject,
  formatCondition,
  listenersMatch,
  poll,
  type StatusSource,
  staleConditions,
} from './status.ts';

/** Upstream `ListenerSetMustHaveCondition`. */
export async function listenerSetMustHaveCondition(
  source: StatusSource,
  listenerSet: NamespacedName,
  expected: ExpectedCondition,
): Promise<void> {
  const what = `ListenerSet ${formatName(listenerSet)} to have condition ${formatCondition(expected)}`;
  await poll(source, what, async () => {
    const object = await fetchObject(source, 'ListenerSet', listenerSet);
    if (typeof object === 'string') return object;
    const conditions = conditionsOf(object.status.conditions);
    const fresh = staleConditions(object, conditions);
    return fresh === true ? conditionsMatch([expected], conditions) : fresh;
  });
}

/**
 * A ListenerSet the Gateway does not take (upstream's pair of `ListenerSetMustHaveCondition` calls):
 * Accepted and then Programmed False, both for `reason`.
 */
export async function listenerSetMustBeRejected(
  source: StatusSource,
  listenerSet: NamespacedName,
  reason: string,
): Promise<void> {
  await listenerSetMustHaveCondition(source, listenerSet, { type: 'Accepted', status: 'False', reason });
  await listenerSetMustHaveCondition(source, listenerSet, { type: 'Programmed', status: 'False', reason });
}

/** Upstream `ListenerSetStatusMustHaveListeners`: exactly these listeners, each matching. */
export async function listenerSetStatusMustHaveListeners(
  source: StatusSource,
  listenerSet: NamespacedName,
  expected: ExpectedListener[],
): Promise<void> {
  const what = `ListenerSet ${formatName(listenerSet)} to have the expected listener status`;
  await poll(source, what, async () => {
    const object = await fetchObject(source, 'ListenerSet', listenerSet);
    if (typeof object === 'string') return object;
    const fresh = staleConditions(object, conditionsOf(object.status.conditions));
    return fresh === true ? listenersMatch(expected, listenersOf(object)) : fresh;
  });
}

/** Upstream `GatewayMustHaveAttachedListeners`: `status.attachedListenerSets` (absent means 0). */
export async function gatewayMustHaveAttachedListeners(
  source: StatusSource,
  gateway: NamespacedName,
  count: number,
): Promise<void> {
  const what = `Gateway ${formatName(gateway)} to count ${count} attached ListenerSets`;
  await poll(source, what, async () => {
    const object = await fetchObject(source, 'Gateway', gateway);
    if (typeof object === 'string') return object;
    const fresh = staleConditions(object, conditionsOf(object.status.conditions));
    if (fresh !== true) return fresh;
    const attached = attachedListenerSetsOf(object);
    return attached === count || `status.attachedListenerSets is ${attached}`;
  });
}

/** Upstream `generateAcceptedListenerConditions`: ResolvedRefs, Accepted and Programmed, any reason. */
export const acceptedListenerConditions: ExpectedCondition[] = [
  { type: 'ResolvedRefs', status: 'True' },
  { type: 'Accepted', status: 'True' },
  { type: 'Programmed', status: 'True' },
];

/** Upstream `generateSupportedRouteKinds`. */
export const httpRouteKinds = [{ kind: 'HTTPRoute' }];
