// Which Pods, Secrets and ConfigMaps to watch. Never all of them: Pods by each InferencePool's selector
// in the pool's namespace, Secrets and ConfigMaps one by one (a `metadata.name` field selector) where an
// object Sluice serves names them, and model-mapping ConfigMaps by their label in the namespaces of
// Sluice's Gateways. Secrets are read only for Gateways of Sluice's own classes, so key material of other
// controllers' Gateways never enters the process. The references are the ones the translator resolves
// (tls.ts, backendclientcert.ts, backendtls.ts, inferencepool.ts, basemodels.ts); a new kind of reference
// there needs its line here.

import type { BackendTLSPolicy, Gateway, GatewayClass, ListenerSet } from '../../resources/gateway-api.ts';
import type { InferencePool } from '../../resources/inference-api.ts';
import type { KubeObject } from '../../resources/object.ts';
import { MODEL_MAPPING_LABELS } from '../../translate/basemodels.ts';
import { PICKER_CONFIG_ANNOTATION } from '../../translate/inferencepool.ts';
import type { ServedKind } from './kinds.ts';
import { type ReflectorScope, scopeId } from './reflector.ts';

export interface DependentOptions {
  /** The kinds the server serves; references to kinds it does not serve are not watched. */
  served: readonly ServedKind[];
  /** GatewayClasses naming this controller are Sluice's. */
  controllerName: string;
  /** When not empty, only these namespaces are watched. */
  namespaces: readonly string[];
}

/** A reference to a core-group object, as the Gateway API writes it (`group` and `kind` may be defaulted). */
interface CoreReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
}

/** `key=value,…` in key order: the same selector always reads the same, so equal pools share one watch. */
export function labelSelector(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

class Scopes {
  readonly #byId = new Map<string, ReflectorScope>();
  readonly #served: ReadonlyMap<string, ServedKind>;
  readonly #namespaces: ReadonlySet<string>;

  constructor(options: DependentOptions) {
    this.#served = new Map(options.served.map((kind) => [kind.kind, kind]));
    this.#namespaces = new Set(options.namespaces);
  }

  get all(): ReflectorScope[] {
    return [...this.#byId.values()];
  }

  #add(kind: string, namespace: string, selectors: Pick<ReflectorScope, 'labelSelector' | 'fieldSelector'>) {
    const served = this.#served.get(kind);
    if (!served || (this.#namespaces.size > 0 && !this.#namespaces.has(namespace))) return;
    const scope: ReflectorScope = { served, namespace, ...selectors };
    this.#byId.set(scopeId(scope), scope);
  }

  /** One object by name, when `ref` names an object of `kind` in the core group. */
  named(kind: 'Secret' | 'ConfigMap', ref: CoreReference, defaultNamespace: string): void {
    if ((ref.group ?? '') !== '' || (ref.kind ?? kind) !== kind) return;
    this.#add(kind, ref.namespace ?? defaultNamespace, { fieldSelector: `metadata.name=${ref.name}` });
  }

  /** Every ConfigMap of `namespace` with `label` set to `"true"`. */
  labelled(label: string, namespace: string): void {
    this.#add('ConfigMap', namespace, { labelSelector: `${label}=true` });
  }

  pods(pool: InferencePool): void {
    const selector = labelSelector(pool.spec.selector.matchLabels);
    this.#add('Pod', namespaceOf(pool), selector === '' ? {} : { labelSelector: selector });
  }
}

function namespaceOf(object: KubeObject): string {
  return object.metadata.namespace ?? 'default';
}

/** The scopes that bring in every Pod, Secret and ConfigMap that `objects` select or refer to. */
export function dependentScopes(objects: readonly KubeObject[], options: DependentOptions): ReflectorScope[] {
  const scopes = new Scopes(options);
  const sluiceClasses = new Set(
    objects
      .filter((object): object is GatewayClass => object.kind === 'GatewayClass')
      .filter((gatewayClass) => gatewayClass.spec.controllerName === options.controllerName)
      .map((gatewayClass) => gatewayClass.metadata.name),
  );
  const sluiceGateways = new Set<string>();
  for (const object of objects) {
    if (object.kind !== 'Gateway') continue;
    const gateway = object as Gateway;
    if (!sluiceClasses.has(gateway.spec.gatewayClassName)) continue;
    const namespace = namespaceOf(gateway);
    sluiceGateways.add(`${namespace}/${gateway.metadata.name}`);
    for (const label of MODEL_MAPPING_LABELS) scopes.labelled(label, namespace);
    for (const listener of gateway.spec.listeners) {
      for (const ref of listener.tls?.certificateRefs ?? []) scopes.named('Secret', ref, namespace);
    }
    const tls = gateway.spec.tls;
    if (tls?.backend?.clientCertificateRef)
      scopes.named('Secret', tls.backend.clientCertificateRef, namespace);
    const frontends = [tls?.frontend?.default, ...(tls?.frontend?.perPort ?? []).map((entry) => entry.tls)];
    for (const frontend of frontends) {
      for (const ref of frontend?.validation?.caCertificateRefs ?? [])
        scopes.named('ConfigMap', ref, namespace);
    }
  }
  for (const object of objects) {
    const namespace = namespaceOf(object);
    if (object.kind === 'ListenerSet') {
      const listenerSet = object as ListenerSet;
      const parent = listenerSet.spec.parentRef;
      if (!sluiceGateways.has(`${parent.namespace ?? namespace}/${parent.name}`)) continue;
      for (const listener of listenerSet.spec.listeners) {
        for (const ref of listener.tls?.certificateRefs ?? []) scopes.named('Secret', ref, namespace);
      }
    } else if (object.kind === 'BackendTLSPolicy') {
      for (const ref of (object as BackendTLSPolicy).spec.validation.caCertificateRefs ?? []) {
        scopes.named('ConfigMap', ref, namespace);
      }
    } else if (object.kind === 'InferencePool') {
      const pool = object as InferencePool;
      scopes.pods(pool);
      const pickerConfig = pool.metadata.annotations?.[PICKER_CONFIG_ANNOTATION];
      if (pickerConfig !== undefined) scopes.named('ConfigMap', { name: pickerConfig }, namespace);
    }
  }
  return scopes.all;
}
