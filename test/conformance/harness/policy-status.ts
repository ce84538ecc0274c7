// BackendTLSPolicy status assertions of upstream `conformance/utils/kubernetes/helpers.go`, read
// through the admin API: the conditions in `status.ancestors[]` for a Gateway.

import { ancestorsOf } from './admin.ts';
import { formatName, type NamespacedName } from './manifest-store.ts';
import {
  conditionsMatch,
  type ExpectedCondition,
  fetchObject,
  formatCondition,
  poll,
  type StatusSource,
  staleConditions,
} from './status.ts';

/**
 * Upstream `BackendTLSPolicyMustHaveCondition`: every ancestor's conditions are at the policy's latest
 * generation, and the ancestor status for `gateway` has the condition.
 */
export async function backendTlsPolicyMustHaveCondition(
  source: StatusSource,
  policy: NamespacedName,
  gateway: NamespacedName,
  expected: ExpectedCondition,
): Promise<void> {
  const what = `BackendTLSPolicy ${formatName(policy)} to have ${formatCondition(expected)} for Gateway ${formatName(gateway)}`;
  await poll(source, what, async () => {
    const object = await fetchObject(source, 'BackendTLSPolicy', policy);
    if (typeof object === 'string') return object;
    let last = 'no ancestor status for the Gateway';
    for (const ancestor of ancestorsOf(object)) {
      const fresh = staleConditions(object, ancestor.conditions);
      if (fresh !== true) return `ancestor ${ancestor.ancestorRef.name}: ${fresh}`;
      const ref = ancestor.ancestorRef;
      if (ref.name !== gateway.name || (ref.namespace !== undefined && ref.namespace !== gateway.namespace))
        continue;
      const match = conditionsMatch([expected], ancestor.conditions);
      if (match === true) return true;
      last = match;
    }
    return last;
  });
}

/** Upstream `BackendTLSPolicyMustHaveAcceptedConditionTrue`. */
export async function backendTlsPolicyMustHaveAcceptedConditionTrue(
  source: StatusSource,
  policy: NamespacedName,
  gateway: NamespacedName,
): Promise<void> {
  await backendTlsPolicyMustHaveCondition(source, policy, gateway, {
    type: 'Accepted',
    status: 'True',
    reason: 'Accepted',
  });
}

/**
 * Upstream `BackendTLSPolicyMustHaveLatestConditions` on a freshly read policy: every ancestor's
 * conditions carry its generation. Returns that generation.
 */
export async function backendTlsPolicyMustHaveLatestConditions(
  source: StatusSource,
  policy: NamespacedName,
): Promise<number> {
  let generation = Number.NaN;
  await poll(
    source,
    `BackendTLSPolicy ${formatName(policy)} to have the latest observedGeneration`,
    async () => {
      const object = await fetchObject(source, 'BackendTLSPolicy', policy);
      if (typeof object === 'string') return object;
      generation = object.generation;
      for (const ancestor of ancestorsOf(object)) {
        const fresh = staleConditions(object, ancestor.conditions);
        if (fresh !== true) return `ancestor ${ancestor.ancestorRef.name}: ${fresh}`;
      }
      return true;
    },
  );
  return generation;
}
