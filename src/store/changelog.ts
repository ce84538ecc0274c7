// The audit trail: what was added, modified or deleted in each snapshot version, from where and when.

import type { SourceLocation } from '../resources/object.ts';

export type ChangeType = 'added' | 'modified' | 'deleted';

export interface ObjectChange {
  type: ChangeType;
  /** `kind/namespace/name` (see `objectKey`). */
  key: string;
  kind: string;
  namespace?: string;
  name: string;
  /** Generation after the change (the last one for deletions). */
  generation: number;
  /** Where the object came from: for a file provider, the file that changed. */
  source?: SourceLocation;
}

export interface ChangeRecord {
  version: number;
  /** ISO-8601 time the change was taken in. */
  time: string;
  changes: ObjectChange[];
}

/** A bounded, append-only list of change records, oldest first. */
export class ChangeLog {
  readonly #limit: number;
  readonly #records: ChangeRecord[] = [];

  constructor(limit = 1000) {
    this.#limit = limit;
  }

  record(record: ChangeRecord): void {
    this.#records.push(record);
    // Old history is dropped in bulk so a long-running process keeps a fixed footprint.
    if (this.#records.length > this.#limit) this.#records.splice(0, this.#records.length - this.#limit);
  }

  /** Records with a version greater than `since` (all when omitted). */
  list(since = 0): readonly ChangeRecord[] {
    return this.#records.filter((record) => record.version > since);
  }
}
