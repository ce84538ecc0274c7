// The object store: turns each complete set of accepted objects into the next immutable Snapshot,
// owning `generation` and `creationTimestamp` the way the Kubernetes API server does.

import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../resources/object.ts';
import { objectKey } from '../resources/object.ts';
import type { ObjectChange } from './changelog.ts';
import { ChangeLog } from './changelog.ts';
import type { Snapshot, SnapshotEntry } from './snapshot.ts';

export interface ObjectStoreOptions {
  /** Source of "now" for creation timestamps and the change log. */
  clock?: () => Date;
  /** How many change records to keep. */
  changeLogLimit?: number;
}

/**
 * What `generation` tracks: everything but identity, metadata and status. For kinds with a `spec`
 * that is the spec; for kinds without one (EndpointSlice, Secret) it is their top-level data, the
 * way the API server counts generations of custom resources.
 */
function specOf(object: KubeObject): Record<string, unknown> {
  const {
    apiVersion: _apiVersion,
    kind: _kind,
    metadata: _metadata,
    status: _status,
    ...spec
  } = object as KubeObject & { status?: unknown };
  return spec;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function describe(type: ObjectChange['type'], entry: SnapshotEntry): ObjectChange {
  const { kind, metadata } = entry.object;
  const change: ObjectChange = {
    type,
    key: objectKey(entry.object),
    kind,
    name: metadata.name,
    generation: metadata.generation ?? 1,
  };
  if (metadata.namespace !== undefined) change.namespace = metadata.namespace;
  if (entry.source) change.source = entry.source;
  return change;
}

export class ObjectStore {
  readonly changes: ChangeLog;
  readonly #clock: () => Date;
  #entries = new Map<string, SnapshotEntry>();
  #snapshot: Snapshot = Object.freeze({ version: 0, entries: Object.freeze([]) });

  constructor(options: ObjectStoreOptions = {}) {
    this.#clock = options.clock ?? (() => new Date());
    this.changes = new ChangeLog(options.changeLogLimit);
  }

  /** The latest snapshot; version 0 (empty) until the first `replace`. */
  get snapshot(): Snapshot {
    return this.#snapshot;
  }

  /** The stored entry for `kind/namespace/name`, with its latest known source. */
  get(key: string): SnapshotEntry | undefined {
    return this.#entries.get(key);
  }

  /** Every stored entry, with its latest known source, sorted by key. */
  entries(): SnapshotEntry[] {
    return [...this.#entries.values()];
  }

  /**
   * Makes `incoming` (the complete desired set) the store's content. Returns the new snapshot, or
   * undefined when no object changed. The first call always yields version 1, even for an empty set,
   * so consumers learn that the initial configuration is known. When the same key appears twice,
   * the first occurrence wins.
   */
  replace(incoming: readonly SnapshotEntry[]): Snapshot | undefined {
    const now = this.#clock();
    const next = new Map<string, SnapshotEntry>();
    const changes: ObjectChange[] = [];
    for (const entry of incoming) {
      const key = objectKey(entry.object);
      if (next.has(key)) continue;
      const previous = this.#entries.get(key);
      const object = this.#stamp(entry.object, previous?.object, now);
      if (previous && isDeepStrictEqual(previous.object, object)) {
        // Unchanged content keeps its identity; only where it was read from may have moved.
        next.set(
          key,
          isDeepStrictEqual(previous.source, entry.source) ? previous : { ...previous, source: entry.source },
        );
        continue;
      }
      const stored: SnapshotEntry = deepFreeze(
        entry.source ? { object, source: { ...entry.source } } : { object },
      );
      next.set(key, stored);
      changes.push(describe(previous ? 'modified' : 'added', stored));
    }
    for (const [key, previous] of this.#entries) {
      if (!next.has(key)) changes.push(describe('deleted', previous));
    }
    this.#entries = new Map([...next].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (changes.length === 0 && this.#snapshot.version > 0) return undefined;

    const version = this.#snapshot.version + 1;
    this.#snapshot = Object.freeze({ version, entries: Object.freeze([...this.#entries.values()]) });
    this.changes.record({ version, time: now.toISOString(), changes });
    return this.#snapshot;
  }

  /** A copy of `object` with the store-owned metadata: generation and creation timestamp. */
  #stamp(object: KubeObject, previous: KubeObject | undefined, now: Date): KubeObject {
    const copy = structuredClone(object);
    let generation = 1;
    if (previous) {
      const previousGeneration = previous.metadata.generation ?? 1;
      generation = isDeepStrictEqual(specOf(previous), specOf(copy))
        ? previousGeneration
        : previousGeneration + 1;
    }
    copy.metadata.generation = generation;
    copy.metadata.creationTimestamp =
      object.metadata.creationTimestamp ?? previous?.metadata.creationTimestamp ?? now.toISOString();
    return copy;
  }
}
