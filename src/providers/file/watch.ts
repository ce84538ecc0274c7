// Watches configuration directories and everything below them and reports, debounced, that something changed.
// It survives what editors and deploy tools do to directories: rename-replace of files, deleted
// and recreated subdirectories, and a watched directory that disappears and comes back.

import { type Dirent, type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';

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

/** The directory and every directory below it (hidden ones skipped, as the loader skips them). */
function directoriesUnder(dir: string): string[] {
  const result = [dir];
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return result;
  }
  for (const entry of entries) {
    if (entry.isDirectory() && !entry.name.startsWith('.'))
      result.push(...directoriesUnder(join(dir, entry.name)));
  }
  return result;
}

/**
 * Watches a tree with one non-recursive watcher per directory. Node's recursive watcher on Linux follows
 * files by inode and goes silent after a file is replaced by rename; a directory watcher sees every
 * rename into it.
 */
class TreeWatcher {
  readonly #watchers = new Map<string, FSWatcher>();
  readonly #root: string;
  readonly #changed: () => void;
  readonly #onError: () => void;

  constructor(root: string, changed: () => void, onError: () => void) {
    this.#root = root;
    this.#changed = changed;
    this.#onError = onError;
    this.sync();
  }

  /** Watches directories that appeared and forgets those that went away. */
  sync(): void {
    const wanted = new Set(directoriesUnder(this.#root));
    for (const [dir, watcher] of this.#watchers) {
      if (!wanted.has(dir)) {
        watcher.close();
        this.#watchers.delete(dir);
      }
    }
    for (const dir of wanted) {
      if (this.#watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, () => this.#changed());
        watcher.on('error', () => (dir === this.#root ? this.#onError() : this.#changed()));
        this.#watchers.set(dir, watcher);
      } catch (error) {
        if (dir === this.#root) throw error;
      }
    }
  }

  close(): void {
    for (const watcher of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
  }
}

/** One directory's watcher, re-armed whenever the directory it watched is gone or replaced. */
class WatchedDirectory {
  readonly #dir: string;
  readonly #changed: () => void;
  readonly #retryMs: number;
  #watcher: TreeWatcher | undefined;
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
    else this.#watcher?.sync();
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
      this.#watcher = new TreeWatcher(this.#dir, this.#changed, () => this.#lost());
    } catch {
      this.#retry = setTimeout(() => this.#arm(false), this.#retryMs);
      return;
    }
    this.#inode = inode;
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
