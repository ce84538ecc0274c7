// Loads manifest directories: finds the files, parses them, admits every object and reports each problem with
// its file and line; a later object with the same kind, namespace and name as an earlier one is rejected.

import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isPlainObject } from '../../resources/check.ts';
import { groupOf, type KubeObject, objectKey, type SourceLocation } from '../../resources/object.ts';
import { admit, isNamespaced } from '../../resources/registry.ts';
import { parseManifests } from './parse.ts';

export interface LoadedObject {
  object: KubeObject;
  source: SourceLocation;
}

export interface FileProblem {
  file: string;
  /** 0 when the problem is about the file or directory as a whole. */
  line: number;
  /** `kind/namespace/name` (or `kind/name`) of the object the problem is about. */
  object?: string;
  severity: 'error' | 'warning';
  message: string;
}

const manifestFile = /\.(ya?ml|json)$/i;

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Manifest files under `path`, sorted. Hidden entries are skipped: besides dotfiles, that keeps out the `..data`
 * and `..<timestamp>` copies Kubernetes makes when a ConfigMap is mounted as a directory.
 */
async function findFiles(path: string, visited: Set<string>, problems: FileProblem[]): Promise<string[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    problems.push({ file: path, line: 0, severity: 'error', message: `cannot read: ${reason(error)}` });
    return [];
  }
  if (info.isFile()) return [path];
  if (!info.isDirectory()) return [];
  const real = await realpath(path);
  if (visited.has(real)) return []; // a symlink loop, or a directory given twice
  visited.add(real);
  let names: string[];
  try {
    names = (await readdir(path)).filter((name) => !name.startsWith('.')).sort(byteOrder);
  } catch (error) {
    problems.push({ file: path, line: 0, severity: 'error', message: `cannot read: ${reason(error)}` });
    return [];
  }
  const files: string[] = [];
  for (const name of names) {
    const child = join(path, name);
    const childInfo = await stat(child).catch(() => undefined);
    if (childInfo?.isDirectory()) files.push(...(await findFiles(child, visited, problems)));
    else if (childInfo?.isFile() && manifestFile.test(name)) files.push(child);
  }
  return files;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How an object is named in problems, even when it failed admission. */
function describeRaw(raw: unknown): string | undefined {
  if (!isPlainObject(raw) || typeof raw.kind !== 'string') return undefined;
  const metadata = isPlainObject(raw.metadata) ? raw.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '<unnamed>';
  const group = typeof raw.apiVersion === 'string' ? groupOf(raw.apiVersion) : '';
  const written =
    typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : undefined;
  const namespace = isNamespaced(group, raw.kind) ? (written ?? 'default') : undefined;
  return namespace ? `${raw.kind}/${namespace}/${name}` : `${raw.kind}/${name}`;
}

/** Reads every .yaml/.yml/.json under the dirs (recursive, sorted, multi-document YAML, JSON objects or `kind: List`), admits each. */
export async function loadDirectories(
  dirs: string[],
): Promise<{ objects: LoadedObject[]; problems: FileProblem[]; files: string[] }> {
  const problems: FileProblem[] = [];
  const visited = new Set<string>();
  const found = new Set<string>(); // a file named directly may also be under a named directory
  for (const dir of dirs) for (const file of await findFiles(dir, visited, problems)) found.add(file);
  const files = [...found];
  const objects: LoadedObject[] = [];
  const seen = new Map<string, SourceLocation>();
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      problems.push({ file, line: 0, severity: 'error', message: `cannot read: ${reason(error)}` });
      continue;
    }
    const parsed = parseManifests(file, text);
    const fileProblems: FileProblem[] = parsed.problems.map((problem) => ({ ...problem, severity: 'error' }));
    for (const { raw, source, lineOf } of parsed.objects) {
      const admission = admit(raw);
      const object = admission.object ? objectKey(admission.object) : describeRaw(raw);
      for (const problem of admission.problems) {
        fileProblems.push({
          file,
          line: lineOf(problem.path),
          object,
          severity: problem.severity,
          message: problem.path ? `${problem.path}: ${problem.message}` : problem.message,
        });
      }
      if (!admission.object) continue;
      const identity = `${groupOf(admission.object.apiVersion)}/${objectKey(admission.object)}`;
      const first = seen.get(identity);
      if (first) {
        fileProblems.push({
          file,
          line: source.line,
          object,
          severity: 'error',
          message: `duplicate object: ${object} is already defined at ${first.file}:${first.line}; this one is ignored`,
        });
        continue;
      }
      seen.set(identity, source);
      objects.push({ object: admission.object, source });
    }
    problems.push(...fileProblems.sort((a, b) => a.line - b.line));
  }
  return { objects, problems, files };
}
