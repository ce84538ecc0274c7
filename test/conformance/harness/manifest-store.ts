// The conformance suite's "API server": the manifest files in the directory `sluice serve` watches.
//
// Creating, patching and deleting objects means rewriting those files. Each write lands whole (a
// rename from outside the watched directory), so the watcher never reads half a file.

import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** `namespace` is `''` for cluster-scoped kinds. */
export interface NamespacedName {
  namespace: string;
  name: string;
}

export class ManifestStore {
  readonly #configDir: string;
  readonly #stagingDir: string;
  readonly #files = new Map<string, Manifest[]>();

  /** `stagingDir` must be on the same filesystem as `configDir` and outside it. */
  constructor(configDir: string, stagingDir: string) {
    this.#configDir = configDir;
    this.#stagingDir = stagingDir;
  }

  async init(): Promise<void> {
    await mkdir(this.#configDir, { recursive: true });
    await mkdir(this.#stagingDir, { recursive: true });
  }

  /** Writes `objects` as the file `fileName`, replacing what the file held before. */
  async write(fileName: string, objects: Manifest[]): Promise<void> {
    this.#files.set(fileName, objects);
    const staged = join(this.#stagingDir, fileName);
    await writeFile(staged, objects.map((object) => stringify(object)).join('---\n'));
    await rename(staged, join(this.#configDir, fileName));
  }

  find(kind: string, target: NamespacedName): Manifest | undefined {
    return this.#locate(kind, target)?.object;
  }

  /** Applies `mutate` to a copy of the object and writes the file that holds it; returns the copy. */
  async patch(kind: string, target: NamespacedName, mutate: (object: Manifest) => void): Promise<Manifest> {
    const found = this.#locate(kind, target);
    if (!found) throw new Error(`cannot patch ${kind} ${formatName(target)}: no such object`);
    const copy = structuredClone(found.object);
    mutate(copy);
    await this.write(
      found.fileName,
      found.objects.map((object) => (object === found.object ? copy : object)),
    );
    return copy;
  }

  async delete(kind: string, target: NamespacedName): Promise<void> {
    const found = this.#locate(kind, target);
    if (!found) throw new Error(`cannot delete ${kind} ${formatName(target)}: no such object`);
    const rest = found.objects.filter((object) => object !== found.object);
    if (rest.length > 0) {
      await this.write(found.fileName, rest);
    } else {
      this.#files.delete(found.fileName);
      await rm(join(this.#configDir, found.fileName));
    }
  }

  #locate(kind: string, target: NamespacedName) {
    for (const [fileName, objects] of this.#files) {
      const object = objects.find(
        (candidate) =>
          candidate.kind === kind &&
          candidate.metadata.name === target.name &&
          (candidate.metadata.namespace ?? '') === target.namespace,
      );
      if (object) return { fileName, objects, object };
    }
    return undefined;
  }
}

/** Parses a multi-document manifest after replacing its `{PLACEHOLDER}`s. */
export function parseManifests(text: string, placeholders: Record<string, string>): Manifest[] {
  const filled = text.replace(/\{([A-Z_]+)\}/g, (whole, name: string) => placeholders[name] ?? whole);
  return parseAllDocuments(filled)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`invalid manifest: ${document.errors[0].message}`);
      return document.toJS() as unknown;
    })
    .filter((value) => value !== null)
    .map(toManifest);
}

export async function readManifests(path: string, placeholders: Record<string, string>): Promise<Manifest[]> {
  return parseManifests(await readFile(path, 'utf8'), placeholders);
}

function toManifest(value: unknown): Manifest {
  if (typeof value !== 'object' || value === null) throw new Error('a manifest document is not an object');
  const object = value as Record<string, unknown>;
  const metadata = object.metadata as Record<string, unknown> | undefined;
  if (
    typeof object.kind !== 'string' ||
    typeof object.apiVersion !== 'string' ||
    typeof metadata?.name !== 'string'
  ) {
    throw new Error('a manifest document lacks apiVersion, kind or metadata.name');
  }
  return object as Manifest;
}

export function formatName(target: NamespacedName): string {
  return target.namespace ? `${target.namespace}/${target.name}` : target.name;
}

/** `spec.listeners` of a Gateway manifest, for tests that add or remove listeners. */
export function gatewayListeners(gateway: Manifest): Record<string, unknown>[] {
  const spec = gateway.spec;
  const listeners =
    typeof spec === 'object' && spec !== null ? (spec as Record<string, unknown>).listeners : undefined;
  if (!Array.isArray(listeners)) throw new Error(`Gateway ${gateway.metadata.name} has no spec.listeners`);
  return listeners;
}
