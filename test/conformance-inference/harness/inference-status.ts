// Status assertions of the Inference Extension's `conformance/utils/kubernetes/helpers.go`, read through the
// admin API with the Gateway API harness's polling (its 60 s timeout stands in for upstream's 300 s).

import { parentsOf } from '../../conformance/harness/admin.ts';
import { formatName, type NamespacedName } from '../../conformance/harness/manifest-store.ts';
import {
  type ExpectedCondition,
  fetchObject,
  formatCondition,
  hasCondition,
  httpRouteMustHaveCondition,
  poll,
  type StatusSource,
  waitForGatewayAddress,
} from '../../conformance/harness/status.ts';

/**
 * Upstream `InferencePoolMustHaveOneOfConditions`: the pool's parent status for `gateway` (with its
 * namespace written) has one of the conditions; an omitted reason matches any.
 */
export async function inferencePoolMustHaveOneOfConditions(
  source: StatusSource,
  pool: NamespacedName,
  gateway: NamespacedName,
  expected: ExpectedCondition[],
): Promise<void> {
  const wanted = expected.map(formatCondition).join(' or ');
  await poll(
    source,
    `InferencePool ${formatName(pool)} to have ${wanted} for Gateway ${formatName(gateway)}`,
    async () => {
      const object = await fetchObject(source, 'InferencePool', pool);
      if (typeof object === 'string') return object;
      const parents = parentsOf(object);
      if (parents.length === 0) return 'no parent statuses reported yet';
      for (const parent of parents) {
        const ref = parent.parentRef;
        if (ref.namespace !== gateway.namespace || ref.name !== gateway.name) continue;
        if (expected.some((condition) => hasCondition(parent.conditions, condition))) return true;
        return `parent ${formatName(gateway)} has [${parent.conditions.map(formatCondition).join(', ')}]`;
      }
      return `no parent status for Gateway ${formatName(gateway)}`;
    },
  );
}

/** Upstream `InferencePoolMustHaveCondition`. */
export async function inferencePoolMustHaveCondition(
  source: StatusSource,
  pool: NamespacedName,
  gateway: NamespacedName,
  expected: ExpectedCondition,
): Promise<void> {
  await inferencePoolMustHaveOneOfConditions(source, pool, gateway, [expected]);
}

/** Upstream `InferencePoolMustBeAcceptedByParent`: Accepted=True with reason Accepted. */
export async function inferencePoolMustBeAcceptedByParent(
  source: StatusSource,
  pool: NamespacedName,
  gateway: NamespacedName,
): Promise<void> {
  await inferencePoolMustHaveCondition(source, pool, gateway, {
    type: 'Accepted',
    status: 'True',
    reason: 'Accepted',
  });
}

/** Upstream `InferencePoolMustHaveNoParents`: no parent statuses, or no pool at all. */
export async function inferencePoolMustHaveNoParents(
  source: StatusSource,
  pool: NamespacedName,
): Promise<void> {
  await poll(source, `InferencePool ${formatName(pool)} to have no parent statuses`, async () => {
    const object = await source.admin.get('InferencePool', pool);
    if (object === undefined) return true;
    const parents = parentsOf(object);
    return parents.length === 0 || `still has ${parents.length} parent statuses`;
  });
}

/** The route's Accepted=True condition (reason Accepted) for `gateway`, which most tests wait for first. */
export async function httpRouteMustBeAccepted(
  source: StatusSource,
  route: NamespacedName,
  gateway: NamespacedName,
): Promise<void> {
  await httpRouteMustHaveCondition(source, route, gateway, {
    type: 'Accepted',
    status: 'True',
    reason: 'Accepted',
  });
}

/** Upstream `HTTPRouteMustBeAcceptedAndResolved`: Accepted and ResolvedRefs, both True, for `gateway`. */
export async function httpRouteMustBeAcceptedAndResolved(
  source: StatusSource,
  route: NamespacedName,
  gateway: NamespacedName,
): Promise<void> {
  await httpRouteMustBeAccepted(source, route, gateway);
  await httpRouteMustHaveCondition(source, route, gateway, {
    type: 'ResolvedRefs',
    status: 'True',
    reason: 'ResolvedRefs',
  });
}

/** Upstream `HTTPRouteAndInferencePoolMustBeAcceptedAndRouteAccepted`. */
export async function httpRouteAndInferencePoolMustBeAcceptedAndRouteAccepted(
  source: StatusSource,
  route: NamespacedName,
  gateway: NamespacedName,
  pool: NamespacedName,
): Promise<void> {
  await httpRouteMustBeAcceptedAndResolved(source, route, gateway);
  await inferencePoolMustBeAcceptedByParent(source, pool, gateway);
}

/** Upstream `GetGatewayEndpoint`: `ip:port` of the Gateway's first listener once it has an address. */
export async function getGatewayEndpoint(source: StatusSource, gateway: NamespacedName): Promise<string> {
  return waitForGatewayAddress(source, gateway);
}
