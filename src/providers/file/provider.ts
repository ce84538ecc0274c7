// The file provider: loads manifest directories into the store and keeps them in sync as files
// change. Bad input never loses a working configuration: a file that stops parsing keeps the objects
// it contributed, an object that turns invalid keeps its last good version, and problems are reported.

import { stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { log } from '../../observability/log.ts';
import { objectKey } from '../../resources/object.ts';
import { SerialJob } from '../../store/serial.ts';
import type { SnapshotEntry } from '../../store/snapshot.ts';
import type { ObjectStore } from '../../store/store.ts';
import type { FileProblem } from './load.ts';
import { loadDirectories } from './load.ts';
import type { WatchOptions } from './watch.ts';
import { type DirectoryWatch, watchDirectories } from './watch.ts';

export interface FileProviderOptions extends WatchOptions {
  /** Replaces `loadDirectories` (tests). */
  load?: typeof loadDirectories;
}

function problemId(problem: FileProblem): string {
  return JSON.stringify([
    problem.file,
    problem.line,
    problem.object ?? '',
    problem.severity,
    problem.message,
  ]);
}

function isUnder(file: string, dir: string): boolean {
  const path = relative(dir, file);
  return path !== '' && !path.startsWith(`..${sep}`) && path !== '..';
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

export class FileProvider {
  readonly #dirs: string[];
  readonly #store: ObjectStore;
  readonly #options: FileProviderOptions;
  readonly #load: typeof loadDirectories;
  readonly #reload: SerialJob;
  /** The objects in force: what the store was last given. */
  #inForce: SnapshotEntry[] = [];
  #problems: FileProblem[] = [];
  /** Keys of objects held at their last good version after the last load. */
  #kept: string[] = [];
  #watch: DirectoryWatch | undefined;
  #onChange: () => void = () => {};

  constructor(dirs: string[], store: ObjectStore, options: FileProviderOptions = {}) {
    this.#dirs = dirs;
    this.#store = store;
    this.#options = options;
    this.#load = options.load ?? loadDirectories;
    this.#reload = new SerialJob(
      () => this.#loadOnce(),
      (error) =>
        log.error('config reload failed; the previous configuration stays in force', {
          error: String(error),
        }),
    );
  }

  /**
   * Loads the directories once (resolving when the store holds the result), then watches them.
   * `onChange` runs after every load that produced a new snapshot.
   */
  async start(onChange: () => void): Promise<void> {
    this.#onChange = onChange;
    this.#reload.run();
    await this.#reload.idle();
    this.#watch = watchDirectories(this.#dirs, () => this.#reload.run(), this.#options);
  }

  /** Resolves when no reload is running or pending. */
  idle(): Promise<void> {
    return this.#reload.idle();
  }

  /** The problems of the last load. */
  problems(): readonly FileProblem[] {
    return this.#problems;
  }

  close(): void {
    this.#watch?.close();
  }

  async #loadOnce(): Promise<void> {
    // A configuration directory that is missing right now (being replaced, unmounted) keeps what it had.
    const missing = (
      await Promise.all(this.#dirs.map(async (dir) => ((await isDirectory(dir)) ? [] : [dir])))
    ).flat();
    const loaded = await this.#load(this.#dirs);
    const entries: SnapshotEntry[] = loaded.objects.map(({ object, source }) => ({ object, source }));
    const present = new Set(entries.map((entry) => objectKey(entry.object)));

    const brokenFiles = new Set<string>();
    const invalidObjects = new Set<string>();
    for (const problem of loaded.problems) {
      if (problem.severity !== 'error') continue;
      if (problem.object === undefined) brokenFiles.add(problem.file);
      else invalidObjects.add(problem.object);
    }
    const kept: string[] = [];
    for (const previous of this.#inForce) {
      const key = objectKey(previous.object);
      if (present.has(key)) continue;
      const file = previous.source?.file ?? '';
      if (invalidObjects.has(key) || brokenFiles.has(file) || missing.some((dir) => isUnder(file, dir))) {
        entries.push(previous);
        present.add(key);
        kept.push(key);
      }
    }

    this.#report(loaded.problems, missing, kept);
    this.#inForce = entries;
    if (this.#store.replace(entries)) this.#onChange();
  }

  /** Logs problems that are new since the last load, so an unchanged broken file is not logged on every save. */
  #report(problems: FileProblem[], missing: string[], kept: string[]): void {
    const before = new Set(this.#problems.map(problemId));
    for (const problem of problems) {
      if (before.has(problemId(problem))) continue;
      const fields = {
        file: problem.file,
        line: problem.line,
        ...(problem.object && { object: problem.object }),
      };
      log.warn(`config ${problem.severity}: ${problem.message}`, fields);
    }
    for (const dir of missing) log.warn('config directory is missing; its objects stay in force', { dir });
    if (kept.length > 0 && kept.join() !== this.#kept.join()) {
      log.warn('keeping the last good version of objects with problems', { objects: kept });
    }
    this.#kept = kept;
    this.#problems = problems;
  }
}
