// The Kubernetes provider: finds which kinds the API server serves, runs one reflector per kind (per
// namespace when restricted) into the cluster cache, keeps one reflector per Pod selector and per
// referenced Secret or ConfigMap in step with the objects that name them, and tells the apply loop when
// the snapshot moved.

import { log } from '../../observability/log.ts';
import type { Snapshot, SnapshotEntry } from '../../store/snapshot.ts';
import { CONTROLLER_NAME } from '../../translate/types.ts';
import { unlessAborted } from './abortable.ts';
import { ClusterCache, type ClusterProblem } from './cache.ts';
import type { KubeClient } from './client.ts';
import { dependentScopes } from './dependents.ts';
import { discoverKinds, type ServedKind, type WatchedKind, watchedKinds } from './kinds.ts';
import {
  describeScope,
  Reflector,
  type ReflectorOptions,
  type ReflectorScope,
  scopeId,
} from './reflector.ts';

export interface KubernetesProviderOptions extends ReflectorOptions {
  /** Watch namespaced kinds only in these namespaces (every namespace when empty). */
  namespaces?: readonly string[];
  /** The kinds to read (tests narrow it). */
  kinds?: readonly WatchedKind[];
  /** GatewayClasses naming this controller are Sluice's; only their Gateways' Secrets are read. */
  controllerName?: string;
  /**
   * Only these GatewayClasses are read (so only their Gateways are served and given status), letting two
   * installs of Sluice share a cluster; every class when empty.
   */
  gatewayClasses?: readonly string[];
}

/**
 * The watches of the kinds read in full: one per kind, per namespace when restricted, and one per
 * GatewayClass (by name) when the classes are restricted. Referenced kinds are watched as referenced.
 */
export function baseScopes(
  served: readonly ServedKind[],
  namespaces: readonly string[],
  gatewayClasses: readonly string[],
): ReflectorScope[] {
  return served
    .filter((kind) => !kind.referenced)
    .flatMap((kind): ReflectorScope[] => {
      if (kind.kind === 'GatewayClass' && gatewayClasses.length > 0)
        return gatewayClasses.map((name) => ({ served: kind, fieldSelector: `metadata.name=${name}` }));
      if (kind.namespaced && namespaces.length > 0)
        return namespaces.map((namespace) => ({ served: kind, namespace }));
      return [{ served: kind }];
    });
}

export class KubernetesProvider {
  readonly #client: KubeClient;
  readonly #options: KubernetesProviderOptions;
  readonly #cache: ClusterCache;
  #reflectors: Reflector[] = [];
  /** Reflectors of Pods, Secrets and ConfigMaps that objects select or refer to, by scope id. */
  readonly #dependents = new Map<string, Reflector>();
  #served: ServedKind[] = [];
  #onChange: () => void = () => {};
  #started = false;
  #closed = false;
  /** A change arrived that the dependents and the apply loop have not seen yet. */
  #changedSinceSync = false;
  #syncing: Promise<void> | undefined;

  constructor(client: KubeClient, options: KubernetesProviderOptions = {}) {
    this.#client = client;
    this.#options = options;
    this.#cache = new ClusterCache(() => this.#changed());
  }

  get cache(): ClusterCache {
    return this.#cache;
  }

  get snapshot(): Snapshot {
    return this.#cache.snapshot;
  }

  /** The kinds being watched, as the server serves them. */
  get served(): readonly ServedKind[] {
    return this.#served;
  }

  /** The scopes of the Pods, Secrets and ConfigMaps watched now because objects select or name them. */
  get dependentScopes(): ReflectorScope[] {
    return [...this.#dependents.values()].map((reflector) => reflector.scope);
  }

  entries(): SnapshotEntry[] {
    return this.#cache.entries();
  }

  problems(): ClusterProblem[] {
    return this.#cache.problems();
  }

  /**
   * Discovers the served kinds, lists each, then watches. Resolves once every kind has been listed and
   * what the listed objects refer to has been read (the first snapshot is complete); `onChange` runs after
   * later changes, at most once per tick. When `signal` aborts first, rejects with its reason at once (the
   * watches already started run on until `close()`).
   */
  async start(onChange: () => void, signal?: AbortSignal): Promise<void> {
    const kinds = this.#options.kinds ?? watchedKinds;
    const { served, missing } = await discoverKinds(this.#client, kinds, signal);
    signal?.throwIfAborted();
    for (const kind of missing) {
      log.info('kind not served by this API server; not watched', {
        kind: kind.kind,
        apiVersions: kind.apiVersions,
      });
    }
    this.#served = served;
    const namespaces = this.#options.namespaces ?? [];
    const gatewayClasses = this.#options.gatewayClasses ?? [];
    this.#reflectors = baseScopes(served, namespaces, gatewayClasses).map((scope) => this.#reflector(scope));
    for (const reflector of this.#reflectors) reflector.start();
    await unlessAborted(Promise.all(this.#reflectors.map((reflector) => reflector.listed)), signal);
    await unlessAborted(this.#syncDependents(), signal);
    this.#onChange = onChange;
    this.#started = true;
    log.info('watching the Kubernetes API', {
      server: this.#client.server,
      kinds: served.map((kind) => `${kind.kind} (${kind.apiVersion})`),
      ...(namespaces.length > 0 && { namespaces }),
      ...(gatewayClasses.length > 0 && { gatewayClasses }),
      referenced: this.dependentScopes.map(describeScope),
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#syncing;
    const reflectors = [...this.#reflectors, ...this.#dependents.values()];
    await Promise.all(reflectors.map((reflector) => reflector.stop()));
  }

  #reflector(scope: ReflectorScope): Reflector {
    return new Reflector(this.#client, scope, this.#cache, this.#options);
  }

  /**
   * Starts the reflectors of what the cached objects select or refer to and stops the rest, until that
   * brings no change. Resolves once each new one has listed (or failed to), so a snapshot never shows a
   * Gateway without the Secret it names only because that Secret was not read yet.
   */
  async #syncDependents(): Promise<void> {
    do {
      this.#changedSinceSync = false;
      await this.#syncDependentsOnce();
    } while (this.#changedSinceSync && !this.#closed);
  }

  async #syncDependentsOnce(): Promise<void> {
    const wanted = new Map(
      dependentScopes(this.#cache.admitted(), {
        served: this.#served,
        controllerName: this.#options.controllerName ?? CONTROLLER_NAME,
        namespaces: this.#options.namespaces ?? [],
      }).map((scope) => [scopeId(scope), scope]),
    );
    const stopped = [...this.#dependents].filter(([id]) => !wanted.has(id));
    for (const [id] of stopped) this.#dependents.delete(id);
    const started: Reflector[] = [];
    for (const [id, scope] of wanted) {
      if (this.#dependents.has(id)) continue;
      const reflector = this.#reflector(scope);
      this.#dependents.set(id, reflector);
      started.push(reflector);
      reflector.start();
    }
    await Promise.all(
      stopped.map(async ([, reflector]) => {
        await reflector.stop();
        this.#cache.forget(reflector.scope);
      }),
    );
    await Promise.all(started.map((reflector) => reflector.settled));
  }

  /** Coalesces a burst of watch events into one dependents sync and one notification. */
  #changed(): void {
    this.#changedSinceSync = true;
    if (!this.#started || this.#syncing) return;
    this.#syncing = new Promise((resolve) => setImmediate(resolve)).then(async () => {
      try {
        await this.#syncDependents();
      } catch (error) {
        log.error('cannot start or stop the watches of referenced objects', { error: String(error) });
      } finally {
        this.#syncing = undefined;
      }
      if (!this.#closed) this.#onChange();
    });
  }
}
