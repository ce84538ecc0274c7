import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { DirectoryWatch } from './watch.ts';
import { watchDirectories } from './watch.ts';

describe('watchDirectories', () => {
  let root = '';
  let dir = '';
  let watcher: DirectoryWatch;
  let waiting: (() => void) | undefined;
  let calls = 0;

  /** Resolves on the next reported change. */
  const nextChange = () =>
    new Promise<void>((resolve) => {
      waiting = resolve;
    });

  /** Resolves on the first reported change after which `name` is in the watched directory. */
  const changeShowing = async (name: string) => {
    for (;;) {
      await nextChange();
      if ((await readdir(dir).catch((): string[] => [])).includes(name)) return;
    }
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'sluice-watch-'));
    dir = join(root, 'config');
    await mkdir(join(dir, 'sub'), { recursive: true });
    watcher = watchDirectories(
      [dir],
      () => {
        calls++;
        waiting?.();
      },
      { debounceMs: 20, retryMs: 20 },
    );
  });

  after(async () => {
    watcher.close();
    await rm(root, { recursive: true, force: true });
  });

  test('a burst of writes is reported once', async () => {
    const change = nextChange();
    const before = calls;
    await writeFile(join(dir, 'a.yaml'), 'a: 1\n');
    await writeFile(join(dir, 'a.yaml'), 'a: 2\n');
    await writeFile(join(dir, 'b.yaml'), 'b: 1\n');
    await change;
    assert.equal(calls, before + 1);
  });

  test('rename-replace, as editors save, is reported', async () => {
    const change = nextChange();
    await writeFile(join(dir, '.a.yaml.swp'), 'a: 3\n');
    await rename(join(dir, '.a.yaml.swp'), join(dir, 'a.yaml'));
    await change;
  });

  test('every rename-replace of the same file is reported, in the root and in subdirectories', async () => {
    for (const folder of [dir, join(dir, 'sub')]) {
      for (let round = 0; round < 3; round++) {
        const change = nextChange();
        await writeFile(join(root, 'staged.yaml'), `round: ${round}\n`);
        await rename(join(root, 'staged.yaml'), join(folder, 'replaced.yaml'));
        await change;
      }
    }
  });

  test('files in new and recreated subdirectories are reported', async () => {
    let change = nextChange();
    await rm(join(dir, 'sub'), { recursive: true });
    await change;
    change = nextChange();
    await mkdir(join(dir, 'sub'));
    await change;
    change = nextChange();
    await writeFile(join(dir, 'sub', 'c.yaml'), 'c: 1\n');
    await change;
  });

  test('a watched directory that is deleted and recreated is watched again', async () => {
    const change = nextChange();
    await rm(dir, { recursive: true });
    await change;
    await mkdir(dir);
    // Two files one after the other: the second can only be seen through the new watcher, not through
    // the change reported when the directory was found again.
    for (const name of ['d.yaml', 'e.yaml']) {
      const seen = changeShowing(name);
      await writeFile(join(dir, name), 'd: 1\n');
      await seen;
    }
  });
});

test('a directory that does not exist yet is watched once it appears', async () => {
  const root = await mkdtemp(join(tmpdir(), 'sluice-watch-'));
  const dir = join(root, 'later');
  let changed: () => void = () => {};
  const watcher = watchDirectories([dir], () => changed(), { debounceMs: 10, retryMs: 10 });
  try {
    let change = new Promise<void>((resolve) => {
      changed = resolve;
    });
    await mkdir(dir);
    await change;
    change = new Promise<void>((resolve) => {
      changed = resolve;
    });
    await writeFile(join(dir, 'x.yaml'), 'x: 1\n');
    await change;
  } finally {
    watcher.close();
    await rm(root, { recursive: true, force: true });
  }
});
