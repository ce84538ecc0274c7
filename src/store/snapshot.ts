// One immutable view of every accepted object, produced per change; the translator's only input.

import type { KubeObject, SourceLocation } from '../resources/object.ts';

export interface SnapshotEntry {
  /** Defaulted, validated object with `metadata.generation` and `metadata.creationTimestamp` set. */
  readonly object: KubeObject;
  readonly source?: SourceLocation;
}

export interface Snapshot {
  /** Increases by one per change. */
  readonly version: number;
  readonly entries: readonly SnapshotEntry[];
}
