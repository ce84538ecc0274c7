// Reads objects and their status from the sluice admin API, narrowed to the fields conformance checks.

import { formatName, type NamespacedName } from './manifest-store.ts';

export interface Condition {
  type: string;
  status: string;
  reason: string;
  observedGeneration: number | undefined;
}

export interface ParentReference {
  group: string | undefined;
  kind: string | undefined;
  namespace: string | undefined;
  name: string;
  sectionName: string | undefined;
}

export interface RouteParentStatus {
  parentRef: ParentReference;
  controllerName: string;
  conditions: Condition[];
}

export interface RouteGroupKind {
  group: string | undefined;
  kind: string;
}

export interface ListenerStatus {
  name: string;
  supportedKinds: RouteGroupKind[];
  attachedRoutes: number;
  conditions: Condition[];
}

export interface GatewayAddress {
  type: string | undefined;
  value: string;
}

/** An object as the admin API shows it; `spec` and `status` stay raw for the accessors below. */
export interface ApiObject {
  kind: string;
  name: string;
  namespace: string;
  generation: number;
  spec: Record<string, unknown>;
  status: Record<string, unknown>;
}

export class AdminClient {
  readonly #baseUrl: string;

  constructor(adminAddress: string) {
    this.#baseUrl = `http://${adminAddress}`;
  }

  /** The object, or `undefined` when sluice does not (yet) know it. */
  async get(kind: string, target: NamespacedName): Promise<ApiObject | undefined> {
    const items = await this.#query({ kind, namespace: target.namespace, name: target.name });
    if (items.length > 1)
      throw new Error(`the admin API returned ${items.length} objects for ${kind} ${formatName(target)}`);
    return items[0];
  }

  async list(kind: string, namespace: string): Promise<ApiObject[]> {
    return this.#query({ kind, namespace });
  }

  async #query(filter: Record<string, string>): Promise<ApiObject[]> {
    const query = new URLSearchParams(Object.entries(filter).filter(([, value]) => value !== ''));
    const response = await fetch(`${this.#baseUrl}/api/v1/objects?${query}`, {
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`GET /api/v1/objects?${query} answered ${response.status}`);
    }
    const body = record(await response.json());
    if (!Array.isArray(body.items)) throw new Error('the admin API answer has no items array');
    return body.items.map(toApiObject);
  }
}

function toApiObject(value: unknown): ApiObject {
  const object = record(value);
  const metadata = record(object.metadata);
  return {
    kind: string(object.kind),
    name: string(metadata.name),
    namespace: string(metadata.namespace),
    generation: typeof metadata.generation === 'number' ? metadata.generation : Number.NaN,
    spec: record(object.spec),
    status: record(object.status),
  };
}

export function conditionsOf(value: unknown): Condition[] {
  return list(value).map((entry) => {
    const condition = record(entry);
    return {
      type: string(condition.type),
      status: string(condition.status),
      reason: string(condition.reason),
      observedGeneration:
        typeof condition.observedGeneration === 'number' ? condition.observedGeneration : undefined,
    };
  });
}

export function listenersOf(object: ApiObject): ListenerStatus[] {
  return list(object.status.listeners).map((entry) => {
    const listener = record(entry);
    return {
      name: string(listener.name),
      supportedKinds: list(listener.supportedKinds).map((kind) => ({
        group: optionalString(record(kind).group),
        kind: string(record(kind).kind),
      })),
      attachedRoutes: typeof listener.attachedRoutes === 'number' ? listener.attachedRoutes : Number.NaN,
      conditions: conditionsOf(listener.conditions),
    };
  });
}

export function addressesOf(object: ApiObject): GatewayAddress[] {
  return list(object.status.addresses).map((entry) => ({
    type: optionalString(record(entry).type),
    value: string(record(entry).value),
  }));
}

export function parentsOf(object: ApiObject): RouteParentStatus[] {
  return list(object.status.parents).map((entry) => {
    const parent = record(entry);
    const ref = record(parent.parentRef);
    return {
      parentRef: {
        group: optionalString(ref.group),
        kind: optionalString(ref.kind),
        namespace: optionalString(ref.namespace),
        name: string(ref.name),
        sectionName: optionalString(ref.sectionName),
      },
      controllerName: string(parent.controllerName),
      conditions: conditionsOf(parent.conditions),
    };
  });
}

export interface PolicyAncestorStatus {
  ancestorRef: { namespace: string | undefined; name: string };
  conditions: Condition[];
}

/** `status.ancestors[]` of a policy (BackendTLSPolicy). */
export function ancestorsOf(object: ApiObject): PolicyAncestorStatus[] {
  return list(object.status.ancestors).map((entry) => {
    const ancestor = record(entry);
    const ref = record(ancestor.ancestorRef);
    return {
      ancestorRef: { namespace: optionalString(ref.namespace), name: string(ref.name) },
      conditions: conditionsOf(ancestor.conditions),
    };
  });
}

/** A Gateway's `status.attachedListenerSets`; absent counts as 0, as upstream's `ptr.Deref`. */
export function attachedListenerSetsOf(object: ApiObject): number {
  const count = object.status.attachedListenerSets;
  return typeof count === 'number' ? count : 0;
}

/** `spec.listeners[].{name, port}` of a Gateway. */
export function specListenersOf(object: ApiObject): { name: string; port: number }[] {
  return list(object.spec.listeners).map((entry) => ({
    name: string(record(entry).name),
    port: Number(record(entry).port),
  }));
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function string(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
