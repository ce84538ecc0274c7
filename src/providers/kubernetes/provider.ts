// The Kubernetes provider: finds which kinds the API server serves, runs one reflector per kind (per
// namespace when restricted) into the cluster cache, and tells the apply loop when the snapshot moved.

import { log } from '../../observability/log.ts';
import type { Snapshot, SnapshotEntry } from '../../store/snapshot.ts';
import { ClusterCache, type ClusterProblem } from './cache.ts';
import type { KubeClient } from './client.ts';
import { discoverKinds, type ServedKind, type WatchedKind, watchedKinds } from './kinds.ts';
import { Reflector, type ReflectorOptions } from './reflector.ts';

export interface KubernetesProviderOptions extends ReflectorOptions {
  /** Watch namespaced kinds only in these namespaces (every namespace when empty). */
  namespaces?: readonly string[];
  /** The kinds to read (tests narrow it). */
  kinds?: readonly WatchedKind[];
}

export class KubernetesProvider {
  readonly #client: KubeClient;
  readonly #options: KubernetesProviderOptions;
  readonly #cache: ClusterCache;
  #reflectors: Reflector[] = [];
  #served: ServedKind[] = [];
  #onChange: () => void = () => {};
  #started = false;
  #notifyPending = false;

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

  entries(): SnapshotEntry[] {
    return this.#cache.entries();
  }

  problems(): ClusterProblem[] {
    return this.#cache.problems();
  }

  /**
   * Discovers the served kinds, lists each, then watches. Resolves once every kind has been listed
   * (the first snapshot is complete); `onChange` runs after later changes, at most once per tick.
   */
  async start(onChange: () => void): Promise<void> {
    const { served, missing } = await discoverKinds(this.#client, this.#options.kinds ?? watchedKinds);
    for (const kind of missing) {
      log.info('kind not served by this API server; not watched', {
        kind: kind.kind,
        apiVersions: kind.apiVersions,
        ...(kind.onlyWith !== undefined && { needs: kind.onlyWith }),
      });
    }
    this.#served = served;
    const namespaces = this.#options.namespaces ?? [];
    this.#reflectors = served.flatMap((kind) =>
      kind.namespaced && namespaces.length > 0
        ? namespaces.map(
            (namespace) =>
              new Reflector(this.#client, { served: kind, namespace }, this.#cache, this.#options),
          )
        : [new Reflector(this.#client, { served: kind }, this.#cache, this.#options)],
    );
    for (const reflector of this.#reflectors) reflector.start();
    await Promise.all(this.#reflectors.map((reflector) => reflector.listed));
    this.#onChange = onChange;
    this.#started = true;
    log.info('watching the Kubernetes API', {
      server: this.#client.server,
      kinds: served.map((kind) => `${kind.kind} (${kind.apiVersion})`),
      ...(namespaces.length > 0 && { namespaces }),
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#reflectors.map((reflector) => reflector.stop()));
  }

  /** Coalesces a burst of watch events into one notification. */
  #changed(): void {
    if (!this.#started || this.#notifyPending) return;
    this.#notifyPending = true;
    setImmediate(() => {
      this.#notifyPending = false;
      this.#onChange();
    });
  }
}
