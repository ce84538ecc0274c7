// Status assertions of upstream `conformance/utils/kubernetes/helpers.go`, read through the admin API.
//
// Each waits until the status matches and fails with the last mismatch after the upstream timeout.
// Where upstream aborts on a failed read, these keep polling: in standalone mode an object just
// written to a file may not be loaded yet.

import {
  type AdminClient,
  type ApiObject,
  addressesOf,
  type Condition,
  conditionsOf,
  type ListenerStatus,
  listenersOf,
  type ParentReference,
  parentsOf,
  type RouteParentStatus,
  specListenersOf,
} from './admin.ts';
import { formatName, type NamespacedName } from './manifest-store.ts';

const statusTimeoutMs = 60_000;
const pollIntervalMs = 100;
const negativePollIntervalMs = 1_000;
const gatewayGroup = 'gateway.networking.k8s.io';
const skipReadinessAnnotation = 'gateway-api/skip-this-for-readiness';

/** What the status helpers need from a running suite. */
export interface StatusSource {
  admin: AdminClient;
  controllerName: string;
  /** Annotations of an object as the suite wrote it (the admin API does not show them). */
  annotations(kind: string, target: NamespacedName): Record<string, string>;
  /** Context appended to timeout messages (the gateway's recent log lines). */
  diagnostics(): string;
}

/** A condition to look for; an omitted status or reason matches any. */
export interface ExpectedCondition {
  type: string;
  status?: 'True' | 'False' | 'Unknown';
  reason?: string;
}

export interface GatewayRef extends NamespacedName {
  /** Listeners the routes are expected to attach to; only the first one's port matters for the address. */
  listenerNames?: string[];
}

export interface ExpectedListener {
  name: string;
  supportedKinds: { group?: string; kind: string }[];
  conditions: ExpectedCondition[];
  attachedRoutes: number;
}

export interface ExpectedParent {
  parentRef: { group: string; kind: string; namespace: string; name: string };
  controllerName: string;
  conditions: ExpectedCondition[];
}

/** `true`, or why not yet. */
export type Check = true | string;

export async function poll(
  source: StatusSource,
  what: string,
  check: () => Promise<Check>,
  intervalMs = pollIntervalMs,
): Promise<void> {
  const deadline = Date.now() + statusTimeoutMs;
  let last = 'not checked yet';
  for (;;) {
    try {
      const result = await check();
      if (result === true) return;
      last = result;
    } catch (error) {
      last = String(error);
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `timed out after ${statusTimeoutMs / 1000}s waiting for ${what}: ${last}\n${source.diagnostics()}`,
  );
}

export async function fetchObject(
  source: StatusSource,
  kind: string,
  target: NamespacedName,
): Promise<ApiObject | string> {
  return (await source.admin.get(kind, target)) ?? `${kind} ${formatName(target)} not found`;
}

/** Upstream `ConditionsHaveLatestObservedGeneration`. */
export function staleConditions(object: ApiObject, conditions: Condition[]): Check {
  const stale = conditions.filter((condition) => condition.observedGeneration !== object.generation);
  if (stale.length === 0) return true;
  const list = stale
    .map((condition) => `${condition.type} (generation ${condition.observedGeneration})`)
    .join(', ');
  return `expected observedGeneration ${object.generation} on all conditions, stale: ${list}`;
}

/** Upstream `findConditionInList`. */
export function hasCondition(conditions: Condition[], expected: ExpectedCondition): boolean {
  return conditions.some(
    (condition) =>
      condition.type === expected.type &&
      (expected.status === undefined || condition.status === expected.status) &&
      (expected.reason === undefined || condition.reason === expected.reason),
  );
}

/** Upstream `conditionsMatch`, with the mismatch spelled out. */
export function conditionsMatch(expected: ExpectedCondition[], actual: Condition[]): Check {
  const missing = expected.find((condition) => !hasCondition(actual, condition));
  if (!missing) return true;
  return `no condition ${formatCondition(missing)} in [${actual.map(formatCondition).join(', ')}]`;
}

export function formatCondition(condition: { type: string; status?: string; reason?: string }): string {
  return `${condition.type}=${condition.status ?? '*'}/${condition.reason || '*'}`;
}

export async function gwcMustHaveAcceptedConditionAny(source: StatusSource, name: string): Promise<void> {
  await poll(source, `GatewayClass ${name} to have an Accepted condition`, async () => {
    const gwc = await fetchObject(source, 'GatewayClass', { namespace: '', name });
    if (typeof gwc === 'string') return gwc;
    const conditions = conditionsOf(gwc.status.conditions);
    const fresh = staleConditions(gwc, conditions);
    if (fresh !== true) return fresh;
    return hasCondition(conditions, { type: 'Accepted' }) || 'no Accepted condition';
  });
}

export async function gatewayClassMustHaveLatestConditions(
  source: StatusSource,
  name: string,
): Promise<void> {
  await poll(source, `GatewayClass ${name} to have the latest observedGeneration`, async () => {
    const gwc = await fetchObject(source, 'GatewayClass', { namespace: '', name });
    return typeof gwc === 'string' ? gwc : staleConditions(gwc, conditionsOf(gwc.status.conditions));
  });
}

export async function gatewayMustHaveLatestConditions(
  source: StatusSource,
  gateway: NamespacedName,
): Promise<void> {
  await poll(source, `Gateway ${formatName(gateway)} to have the latest observedGeneration`, async () => {
    const gw = await fetchObject(source, 'Gateway', gateway);
    return typeof gw === 'string' ? gw : staleConditions(gw, conditionsOf(gw.status.conditions));
  });
}

export async function gatewayMustHaveCondition(
  source: StatusSource,
  gateway: NamespacedName,
  expected: ExpectedCondition,
): Promise<void> {
  await poll(
    source,
    `Gateway ${formatName(gateway)} to have condition ${formatCondition(expected)}`,
    async () => {
      const gw = await fetchObject(source, 'Gateway', gateway);
      if (typeof gw === 'string') return gw;
      const conditions = conditionsOf(gw.status.conditions);
      const fresh = staleConditions(gw, conditions);
      return fresh === true ? conditionsMatch([expected], conditions) : fresh;
    },
  );
}

/** Upstream `GatewayStatusMustHaveListeners`: exactly these listeners, each matching. */
export async function gatewayStatusMustHaveListeners(
  source: StatusSource,
  gateway: NamespacedName,
  expected: ExpectedListener[],
): Promise<void> {
  await poll(source, `Gateway ${formatName(gateway)} to have the expected listener status`, async () => {
    const gw = await fetchObject(source, 'Gateway', gateway);
    if (typeof gw === 'string') return gw;
    const fresh = staleConditions(gw, conditionsOf(gw.status.conditions));
    if (fresh !== true) return fresh;
    return listenersMatch(expected, listenersOf(gw));
  });
}

export function listenersMatch(expected: ExpectedListener[], actual: ListenerStatus[]): Check {
  if (expected.length !== actual.length) {
    return `expected ${expected.length} listeners in status, got ${actual.length} (${actual.map((l) => l.name).join(', ')})`;
  }
  for (const want of expected) {
    const got = actual.find((listener) => listener.name === want.name);
    if (!got) return `no status for listener ${want.name}`;
    if (want.supportedKinds.length === 0 && got.supportedKinds.length !== 0) {
      return `listener ${want.name}: expected no supportedKinds, got ${formatKinds(got.supportedKinds)}`;
    }
    // The implementation may support more kinds than the test names.
    for (const kind of want.supportedKinds) {
      const group = kind.group ?? gatewayGroup;
      if (
        !got.supportedKinds.some(
          (entry) => (entry.group ?? gatewayGroup) === group && entry.kind === kind.kind,
        )
      ) {
        return `listener ${want.name}: ${group}/${kind.kind} missing from supportedKinds ${formatKinds(got.supportedKinds)}`;
      }
    }
    if (got.attachedRoutes !== want.attachedRoutes) {
      return `listener ${want.name}: expected attachedRoutes ${want.attachedRoutes}, got ${got.attachedRoutes}`;
    }
    const conditions = conditionsMatch(want.conditions, got.conditions);
    if (conditions !== true) return `listener ${want.name}: ${conditions}`;
  }
  return true;
}

function formatKinds(kinds: { group?: string; kind: string }[]): string {
  return `[${kinds.map((kind) => `${kind.group ?? gatewayGroup}/${kind.kind}`).join(', ')}]`;
}

/**
 * Upstream `GatewayListenersMustHaveConditions` and `ListenerSetListenersMustHaveConditions`: every
 * listener of the Gateway or ListenerSet (or only those named) has the conditions, and each named one
 * is in status. A ListenerSet's own conditions must be at its latest generation first.
 */
export async function listenersMustHaveConditions(
  source: StatusSource,
  kind: 'Gateway' | 'ListenerSet',
  parent: NamespacedName,
  expected: ExpectedCondition[],
  listenerNames: string[] = [],
): Promise<void> {
  const which = listenerNames.length > 0 ? `listeners ${listenerNames.join(', ')}` : 'every listener';
  const what = `${which} of ${kind} ${formatName(parent)} to have ${expected.map(formatCondition).join(', ')}`;
  await poll(source, what, async () => {
    const object = await fetchObject(source, kind, parent);
    if (typeof object === 'string') return object;
    if (kind === 'ListenerSet') {
      const fresh = staleConditions(object, conditionsOf(object.status.conditions));
      if (fresh !== true) return fresh;
    }
    const listeners = listenersOf(object).filter(
      (listener) => listenerNames.length === 0 || listenerNames.includes(listener.name),
    );
    for (const listener of listeners) {
      const match = conditionsMatch(expected, listener.conditions);
      if (match !== true) return `listener ${listener.name}: ${match}`;
    }
    const missing = listenerNames.filter((name) => !listeners.some((listener) => listener.name === name));
    return missing.length === 0 || `no status for listener ${missing.join(', ')}`;
  });
}

/** Upstream `GatewayMustHaveZeroRoutes`: no listener status, or one listener with 0 attached routes. */
export async function gatewayMustHaveZeroRoutes(
  source: StatusSource,
  gateway: NamespacedName,
): Promise<void> {
  await poll(source, `Gateway ${formatName(gateway)} to have zero attached routes`, async () => {
    const gw = await fetchObject(source, 'Gateway', gateway);
    if (typeof gw === 'string') return gw;
    const fresh = staleConditions(gw, conditionsOf(gw.status.conditions));
    if (fresh !== true) return fresh;
    const listeners = listenersOf(gw);
    if (listeners.length === 0 || (listeners.length === 1 && listeners[0].attachedRoutes === 0)) return true;
    return `listeners: ${listeners.map((l) => `${l.name}=${l.attachedRoutes}`).join(', ')}`;
  });
}

/**
 * Upstream `NamespacesMustBeReady`: every Gateway in the namespaces (except those annotated to be
 * skipped) is Accepted and Programmed at its latest generation. The echo pods are up by construction.
 */
export async function namespacesMustBeReady(source: StatusSource, namespaces: string[]): Promise<void> {
  await poll(source, `the Gateways in ${namespaces.join(', ')} to be Accepted and Programmed`, async () => {
    for (const namespace of namespaces) {
      for (const gw of await source.admin.list('Gateway', namespace)) {
        const nn = { namespace: gw.namespace, name: gw.name };
        if (source.annotations('Gateway', nn)[skipReadinessAnnotation] === 'true') continue;
        const conditions = conditionsOf(gw.status.conditions);
        const fresh = staleConditions(gw, conditions);
        if (fresh !== true) return `Gateway ${formatName(nn)}: ${fresh}`;
        for (const type of ['Accepted', 'Programmed']) {
          if (!hasCondition(conditions, { type, status: 'True' }))
            return `Gateway ${formatName(nn)} is not ${type}`;
        }
      }
    }
    return true;
  });
}

/** Upstream `WaitForGatewayAddress`: `ip:port` with the port of the first (or first named) listener. */
export async function waitForGatewayAddress(source: StatusSource, gateway: GatewayRef): Promise<string> {
  let address = '';
  await poll(source, `Gateway ${formatName(gateway)} to have an address`, async () => {
    const gw = await fetchObject(source, 'Gateway', gateway);
    if (typeof gw === 'string') return gw;
    const fresh = staleConditions(gw, conditionsOf(gw.status.conditions));
    if (fresh !== true) return fresh;
    const listeners = specListenersOf(gw);
    const wanted = gateway.listenerNames?.[0];
    const listener = listeners.find((candidate) => candidate.name === wanted) ?? listeners[0];
    const bound = addressesOf(gw).find((entry) => entry.type !== undefined);
    if (!listener || !bound) return 'no listener or no typed status.addresses entry';
    address = `${bound.value}:${listener.port}`;
    return true;
  });
  return address;
}

/** A route's parent as upstream's `ResourceRef`: a Gateway or a ListenerSet, and the listeners to expect. */
export interface ParentRef extends NamespacedName {
  kind: 'Gateway' | 'ListenerSet';
  /** One expected parent status per name; none means one for the whole parent. */
  listenerNames?: string[];
}

/**
 * Upstream `RoutesAndParentMustBeAccepted`: every route is Accepted by the parent, and every listener
 * of the parent is Accepted, Programmed and ResolvedRefs.
 */
export async function routesAndParentMustBeAccepted(
  source: StatusSource,
  parent: ParentRef,
  routeKind: string,
  routes: NamespacedName[],
): Promise<void> {
  for (const route of routes) {
    const parents = (parent.listenerNames ?? ['']).map(() => ({
      parentRef: { group: gatewayGroup, kind: parent.kind, namespace: parent.namespace, name: parent.name },
      controllerName: source.controllerName,
      conditions: [{ type: 'Accepted', status: 'True' as const, reason: 'Accepted' }],
    }));
    await routeMustHaveParents(source, routeKind, route, parents, route.namespace !== parent.namespace);
  }
  await listenersMustHaveConditions(source, parent.kind, parent, [
    { type: 'ResolvedRefs', status: 'True' },
    { type: 'Accepted', status: 'True' },
    { type: 'Programmed', status: 'True' },
  ]);
}

/**
 * Upstream `GatewayAndRoutesMustBeAccepted` with `usePort`: the Gateway has an address, and the routes
 * and the Gateway's listeners are accepted. Returns `ip:port`.
 */
export async function gatewayAndRoutesMustBeAccepted(
  source: StatusSource,
  gateway: GatewayRef,
  routeKind: string,
  routes: NamespacedName[],
): Promise<string> {
  const address = await waitForGatewayAddress(source, gateway);
  await routesAndParentMustBeAccepted(source, { ...gateway, kind: 'Gateway' }, routeKind, routes);
  return address;
}

/** Upstream `GatewayAndHTTPRoutesMustBeAccepted`. Returns `ip:port`. */
export async function gatewayAndHTTPRoutesMustBeAccepted(
  source: StatusSource,
  gateway: GatewayRef,
  routes: NamespacedName[],
): Promise<string> {
  return gatewayAndRoutesMustBeAccepted(source, gateway, 'HTTPRoute', routes);
}

/** Upstream `RouteMustHaveParents`: each expected parent appears, with fresh conditions. */
export async function routeMustHaveParents(
  source: StatusSource,
  routeKind: string,
  route: NamespacedName,
  expected: ExpectedParent[],
  namespaceRequired: boolean,
): Promise<void> {
  await poll(source, `${routeKind} ${formatName(route)} to have the expected parents`, async () => {
    const object = await fetchObject(source, routeKind, route);
    if (typeof object === 'string') return object;
    const actual = parentsOf(object);
    for (const parent of actual) {
      const fresh = staleConditions(object, parent.conditions);
      if (fresh !== true) return `parent ${parent.parentRef.name}: ${fresh}`;
    }
    for (const want of expected) {
      const reasons = actual.map((got) => parentMismatch(want, got, namespaceRequired));
      if (!reasons.includes(undefined)) {
        return `no parent status matches ${want.parentRef.name}: ${reasons.join('; ') || 'status.parents is empty'}`;
      }
    }
    return true;
  });
}

/** Upstream `HTTPRouteMustHaveParents`. */
export async function httpRouteMustHaveParents(
  source: StatusSource,
  route: NamespacedName,
  expected: ExpectedParent[],
  namespaceRequired: boolean,
): Promise<void> {
  await routeMustHaveParents(source, 'HTTPRoute', route, expected, namespaceRequired);
}

function parentMismatch(
  want: ExpectedParent,
  got: RouteParentStatus,
  namespaceRequired: boolean,
): string | undefined {
  const ref: ParentReference = got.parentRef;
  if (got.controllerName !== want.controllerName) return `controllerName ${got.controllerName}`;
  if (ref.group !== want.parentRef.group) return `parentRef.group ${ref.group}`;
  if (ref.kind !== want.parentRef.kind) return `parentRef.kind ${ref.kind}`;
  if (ref.name !== want.parentRef.name) return `parentRef.name ${ref.name}`;
  if (ref.namespace !== want.parentRef.namespace && (namespaceRequired || ref.namespace !== undefined)) {
    return `parentRef.namespace ${ref.namespace}`;
  }
  const conditions = conditionsMatch(want.conditions, got.conditions);
  return conditions === true ? undefined : conditions;
}

/** Upstream `HTTPRouteMustHaveCondition`: the parent status for `gateway` has the condition. */
export async function httpRouteMustHaveCondition(
  source: StatusSource,
  route: NamespacedName,
  gateway: NamespacedName,
  expected: ExpectedCondition,
): Promise<void> {
  const what = `HTTPRoute ${formatName(route)} to have ${formatCondition(expected)} for Gateway ${formatName(gateway)}`;
  await poll(source, what, async () => {
    const object = await fetchObject(source, 'HTTPRoute', route);
    if (typeof object === 'string') return object;
    let last = 'no parent status for the Gateway';
    for (const parent of parentsOf(object)) {
      const fresh = staleConditions(object, parent.conditions);
      if (fresh !== true) return `parent ${parent.parentRef.name}: ${fresh}`;
      const ref = parent.parentRef;
      if (ref.name !== gateway.name || (ref.namespace !== undefined && ref.namespace !== gateway.namespace))
        continue;
      const match = conditionsMatch([expected], parent.conditions);
      if (match === true) return true;
      last = match;
    }
    return last;
  });
}

export async function httpRouteMustHaveResolvedRefsConditionsTrue(
  source: StatusSource,
  route: NamespacedName,
  gateway: NamespacedName,
): Promise<void> {
  await httpRouteMustHaveCondition(source, route, gateway, {
    type: 'ResolvedRefs',
    status: 'True',
    reason: 'ResolvedRefs',
  });
}

/** Upstream `HTTPRouteMustHaveLatestConditions`. */
export async function httpRouteMustHaveLatestConditions(
  source: StatusSource,
  route: NamespacedName,
): Promise<void> {
  await poll(source, `HTTPRoute ${formatName(route)} to have the latest observedGeneration`, async () => {
    const object = await fetchObject(source, 'HTTPRoute', route);
    if (typeof object === 'string') return object;
    for (const parent of parentsOf(object)) {
      const fresh = staleConditions(object, parent.conditions);
      if (fresh !== true) return `parent ${parent.parentRef.name}: ${fresh}`;
    }
    return true;
  });
}

/**
 * Upstream `HTTPRouteMustHaveNoAcceptedParents`: no parents (seen twice, a second apart, so "not yet
 * written" is not mistaken for "none"), or exactly one parent that is not Accepted.
 */
export async function httpRouteMustHaveNoAcceptedParents(
  source: StatusSource,
  route: NamespacedName,
): Promise<void> {
  let emptySeen = false;
  const check = async (): Promise<Check> => {
    const object = await fetchObject(source, 'HTTPRoute', route);
    if (typeof object === 'string') return object;
    const parents = parentsOf(object);
    if (parents.length === 0) {
      if (emptySeen) return true;
      emptySeen = true;
      return 'status.parents is empty (checking again)';
    }
    if (parents.length > 1) return `expected at most one parent, got ${parents.length}`;
    const fresh = staleConditions(object, parents[0].conditions);
    if (fresh !== true) return fresh;
    return conditionsMatch([{ type: 'Accepted', status: 'False' }], parents[0].conditions);
  };
  await poll(
    source,
    `HTTPRoute ${formatName(route)} to have no accepted parents`,
    check,
    negativePollIntervalMs,
  );
}

/** An object's `metadata.generation`, for the generation-bump tests. */
export async function generationOf(
  source: StatusSource,
  kind: string,
  target: NamespacedName,
): Promise<number> {
  const object = await source.admin.get(kind, target);
  if (!object) throw new Error(`${kind} ${formatName(target)} not found`);
  return object.generation;
}
