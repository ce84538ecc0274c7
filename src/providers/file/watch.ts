// Watches configuration directories recursively and reports, debounced, that something changed.
// It survives what editors and deploy tools do to directories: rename-replace of files, deleted
// and recreated subdirectories, and a watched directory that disappears and comes back.

import { type FSWatcher, statSync, watch } from 'node:fs';

export interface WatchOptions {
  /** Quiet time after the last event before `onChange` runs; bursts of events become one call. */
  debounceMs?: number;
  /** How often a missing directory is looked for again. */
  retryMs?: number;
}

export interface DirectoryWatch {
  close(): void;
}

function inodeOf(dir: string): number | undefined {
  try {
    return statSync(dir).ino;
  } catch {
    return undefined;
  }
}

/** One directory's watcher, re-armed whenever the directory it watched is gone or replaced. */
class WatchedDirectory {
  readonly #dir: string;
  readonly #changed: () => void;
  readonly #retryMs: number;
  #watcher: FSWatcher | undefined;
  #inode: number | undefined;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(dir: string, changed: () => void, retryMs: number) {
    this.#dir = dir;
    this.#changed = changed;
    this.#retryMs = retryMs;
    this.#arm(true);
  }

  /**
   * A watcher on a deleted directory stays open and silent on Linux, so after events the directory
   * is checked: missing or a different inode means it must be watched anew.
   */
  verify(): void {
    if (this.#watcher && inodeOf(this.#dir) !== this.#inode) this.#lost();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#disarm();
  }

  #arm(first: boolean): void {
    if (this.#closed) return;
    const inode = inodeOf(this.#dir);
    try {
      if (inode === undefined) throw new Error('missing');
      this.#watcher = watch(this.#dir, { recursive: true }, this.#changed);
    } catch {
      this.#retry = setTimeout(() => this.#arm(false), this.#retryMs);
      return;
    }
    this.#inode = inode;
    this.#watcher.on('error', () => this.#lost());
    // Files may have appeared while the directory was not watched.
    if (!first) this.#changed();
  }

  #disarm(): void {
    const watcher = this.#watcher;
    this.#watcher = undefined;
    watcher?.close();
  }

  #lost(): void {
    if (this.#closed) return;
    this.#disarm();
    this.#changed();
    this.#retry = setTimeout(() => this.#arm(false), this.#retryMs);
  }
}

export function watchDirectories(
  dirs: string[],
  onChange: () => void,
  options: WatchOptions = {},
): DirectoryWatch {
  const debounceMs = options.debounceMs ?? 100;
  let closed = false;
  let debounce: NodeJS.Timeout | undefined;

  const settled = () => {
    for (const directory of watched) directory.verify();
    onChange();
  };
  const changed = () => {
    if (closed) return;
    clearTimeout(debounce);
    debounce = setTimeout(settled, debounceMs);
  };
  const watched = dirs.map((dir) => new WatchedDirectory(dir, changed, options.retryMs ?? 250));

  return {
    close() {
      closed = true;
      clearTimeout(debounce);
      for (const directory of watched) directory.close();
    },
  };
}
