// The generic Kubernetes object shape every accepted kind shares, and how objects are keyed.

export interface ObjectMeta {
  name: string;
  /** Absent for cluster-scoped kinds (GatewayClass, Namespace); defaulted to `default` otherwise. */
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  generation?: number;
  creationTimestamp?: string;
  resourceVersion?: string;
  uid?: string;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

/** Where an object was read from, for problems reported to people. */
export interface SourceLocation {
  file: string;
  line: number;
}

export interface GroupKind {
  group: string;
  kind: string;
}

/** `group` part of an apiVersion (`""` for the core group `v1`). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** `kind/namespace/name` or `kind/name` for cluster-scoped objects: how objects are named in messages. */
export function objectKey(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return namespace ? `${object.kind}/${namespace}/${name}` : `${object.kind}/${name}`;
}

export function namespacedName(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}
