// What the reflectors have seen, kept two ways: the raw objects as the API server sent them (the status
// writer merges into those) and the admitted objects, from which each Snapshot is taken. Objects keep
// the server's own generation, creationTimestamp and uid. Scopes may overlap (two InferencePools
// selecting the same Pod), so an object stays as long as any scope that delivered it still has it.

import { isDeepStrictEqual } from 'node:util';
import { log } from '../../observability/log.ts';
import { isPlainObject } from '../../resources/check.ts';
import type { KubeObject } from '../../resources/object.ts';
import { objectKey } from '../../resources/object.ts';
import { admit } from '../../resources/registry.ts';
import type { ObjectChange } from '../../store/changelog.ts';
import { ChangeLog } from '../../store/changelog.ts';
import type { Snapshot, SnapshotEntry } from '../../store/snapshot.ts';
import { type ReflectorScope, type ReflectorSink, scopeId } from './reflector.ts';

/** An admission problem of an object read from the API server. */
export interface ClusterProblem {
  object: string;
  severity: 'error' | 'warning';
  message: string;
}

interface CachedObject {
  raw: Record<string, unknown>;
  /** The last version that passed admission; kept when a later version fails it. */
  admitted?: KubeObject;
  problems: ClusterProblem[];
}

/** `Kind/namespace/name` of a raw object, as `objectKey` names admitted ones. */
function rawKey(kind: string, object: Record<string, unknown>): string {
  const metadata = isPlainObject(object.metadata) ? object.metadata : {};
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : '';
  const name = String(metadata.name ?? '');
  return namespace === '' ? `${kind}/${name}` : `${kind}/${namespace}/${name}`;
}

/**
 * The admitted form without what changes on every write of the server but means nothing to the
 * translator, so that status writes (new resourceVersion, new managedFields) make no new snapshot.
 */
function admitForSnapshot(raw: Record<string, unknown>): { object?: KubeObject; problems: ClusterProblem[] } {
  const admission = admit(raw);
  const key = admission.object ? objectKey(admission.object) : rawKey(String(raw.kind), raw);
  const problems = admission.problems.map((problem) => ({
    object: key,
    severity: problem.severity,
    message: problem.path ? `${problem.path}: ${problem.message}` : problem.message,
  }));
  if (!admission.object) return { problems };
  const {
    resourceVersion: _resourceVersion,
    managedFields: _managedFields,
    ...metadata
  } = admission.object.metadata as KubeObject['metadata'] & { managedFields?: unknown };
  return { object: { ...admission.object, metadata }, problems };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export class ClusterCache implements ReflectorSink {
  readonly changes = new ChangeLog();
  readonly #objects = new Map<string, CachedObject>();
  /** Object key → the ids of the scopes that hold it. */
  readonly #holders = new Map<string, Set<string>>();
  /** Scope id → the keys of the objects it holds. */
  readonly #held = new Map<string, Set<string>>();
  readonly #onChange: () => void;
  /** Keys whose admitted object changed since the last snapshot. */
  #dirty = new Map<string, ObjectChange['type']>();
  /** Entries of the last snapshot by key, to describe deletions. */
  #entries = new Map<string, SnapshotEntry>();
  #snapshot: Snapshot = Object.freeze({ version: 0, entries: Object.freeze([]) });
  #firstSnapshotTaken = false;

  /** `onChange` runs after every change that alters the admitted set (at most once per tick is up to the caller). */
  constructor(onChange: () => void) {
    this.#onChange = onChange;
  }

  /** The raw object of `Kind/namespace/name` as last seen, with its resourceVersion and status. */
  raw(key: string): Record<string, unknown> | undefined {
    return this.#objects.get(key)?.raw;
  }

  problems(): ClusterProblem[] {
    return [...this.#objects.values()].flatMap((cached) => cached.problems);
  }

  /**
   * The latest snapshot: taken anew when something changed since the last call. The first call always
   * yields version 1, so consumers learn the initial set is known even when it is empty.
   */
  get snapshot(): Snapshot {
    if (this.#dirty.size === 0 && this.#firstSnapshotTaken) return this.#snapshot;
    const entries = new Map<string, SnapshotEntry>();
    for (const [key, cached] of this.#objects) {
      if (!cached.admitted) continue;
      const previous = this.#entries.get(key);
      entries.set(
        key,
        previous?.object === cached.admitted ? previous : deepFreeze({ object: cached.admitted }),
      );
    }
    const changes: ObjectChange[] = [];
    for (const [key, type] of this.#dirty) {
      const entry = type === 'deleted' ? this.#entries.get(key) : entries.get(key);
      if (!entry) continue;
      const { kind, metadata } = entry.object;
      changes.push({
        type,
        key,
        kind,
        name: metadata.name,
        generation: metadata.generation ?? 1,
        ...(metadata.namespace !== undefined && { namespace: metadata.namespace }),
      });
    }
    const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.#entries = new Map(sorted);
    this.#dirty = new Map();
    this.#firstSnapshotTaken = true;
    const version = this.#snapshot.version + 1;
    this.#snapshot = Object.freeze({ version, entries: Object.freeze(sorted.map(([, entry]) => entry)) });
    this.changes.record({ version, time: new Date().toISOString(), changes });
    return this.#snapshot;
  }

  /** Every admitted object as of the last snapshot, sorted by key. */
  entries(): SnapshotEntry[] {
    return [...this.#entries.values()];
  }

  /** Every object admitted so far, including changes no snapshot has taken yet. */
  admitted(): KubeObject[] {
    return [...this.#objects.values()].flatMap((cached) => (cached.admitted ? [cached.admitted] : []));
  }

  replace(scope: ReflectorScope, objects: Record<string, unknown>[]): void {
    const id = scopeId(scope);
    const before = this.#held.get(id) ?? new Set<string>();
    const seen = new Set<string>();
    let changed = false;
    for (const object of objects) {
      const key = rawKey(scope.served.kind, object);
      seen.add(key);
      this.#hold(key, id);
      changed = this.#put(scope.served.kind, object) || changed;
    }
    for (const key of before) if (!seen.has(key)) changed = this.#release(key, id) || changed;
    if (changed) this.#onChange();
  }

  upsert(scope: ReflectorScope, object: Record<string, unknown>): void {
    this.#hold(rawKey(scope.served.kind, object), scopeId(scope));
    if (this.#put(scope.served.kind, object)) this.#onChange();
  }

  remove(scope: ReflectorScope, object: Record<string, unknown>): void {
    if (this.#release(rawKey(scope.served.kind, object), scopeId(scope))) this.#onChange();
  }

  /** Drops what `scope` delivered (its reflector has stopped), keeping objects other scopes still hold. */
  forget(scope: ReflectorScope): void {
    const id = scopeId(scope);
    let changed = false;
    for (const key of this.#held.get(id) ?? []) changed = this.#release(key, id) || changed;
    this.#held.delete(id);
    if (changed) this.#onChange();
  }

  #hold(key: string, id: string): void {
    const holders = this.#holders.get(key) ?? new Set<string>();
    holders.add(id);
    this.#holders.set(key, holders);
    const held = this.#held.get(id) ?? new Set<string>();
    held.add(key);
    this.#held.set(id, held);
  }

  /** `id` no longer holds `key`; true when that removed an admitted object. */
  #release(key: string, id: string): boolean {
    this.#held.get(id)?.delete(key);
    const holders = this.#holders.get(key);
    holders?.delete(id);
    if (holders && holders.size > 0) return false;
    this.#holders.delete(key);
    return this.#delete(key);
  }

  /** Stores one raw object; true when its admitted form changed. */
  #put(kind: string, raw: Record<string, unknown>): boolean {
    const key = rawKey(kind, raw);
    const previous = this.#objects.get(key);
    const { object, problems } = admitForSnapshot({ ...raw, kind });
    if (problems.length > 0 && !isDeepStrictEqual(problems, previous?.problems)) {
      for (const problem of problems)
        log.warn(`object ${problem.severity}: ${problem.message}`, { object: key });
      if (!object && previous?.admitted)
        log.warn('keeping the last good version of the object', { object: key });
    }
    // An unchanged object keeps its identity, so its snapshot entry does too.
    const unchanged =
      previous?.admitted !== undefined && (!object || isDeepStrictEqual(object, previous.admitted));
    const admitted = unchanged ? previous?.admitted : object;
    this.#objects.set(key, { raw, problems, ...(admitted && { admitted }) });
    if (unchanged || admitted === undefined) return false;
    this.#markDirty(key, previous?.admitted ? 'modified' : 'added');
    return true;
  }

  #delete(key: string): boolean {
    const previous = this.#objects.get(key);
    if (!previous) return false;
    this.#objects.delete(key);
    if (!previous.admitted) return false;
    this.#markDirty(key, 'deleted');
    return true;
  }

  #markDirty(key: string, type: ObjectChange['type']): void {
    const before = this.#dirty.get(key);
    // Added then deleted between two snapshots is no change; deleted then added is a modification.
    if (before === 'added' && type === 'deleted') this.#dirty.delete(key);
    else if (before === 'added') this.#dirty.set(key, 'added');
    else if (before === 'deleted' && type === 'added') this.#dirty.set(key, 'modified');
    else this.#dirty.set(key, type);
  }
}
