// Parses a manifest file (multi-document YAML, JSON, `kind: List`) into raw objects that remember where they
// came from, so that a problem at a field path can be shown with its line.

import { isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { type PathSegment, parsePath } from '../../resources/field-path.ts';
import type { SourceLocation } from '../../resources/object.ts';

export interface ParsedObject {
  raw: unknown;
  /** File and line of the document (or List item) start. */
  source: SourceLocation;
  /** Best line for a field path such as `spec.rules[0].matches[1].path.value`. */
  lineOf(path: string): number;
}

export interface ParseProblem {
  file: string;
  line: number;
  message: string;
}

/** A YAML 1.2 document; `<<` merge keys are honoured as Kubernetes' YAML reader does. */
const parseOptions = { prettyErrors: false, merge: true, uniqueKeys: true } as const;

/**
 * The line of the deepest node on `path` that exists: the key's line for a map entry, the item's for a list
 * entry, so a missing field points at its parent.
 */
function lineAt(
  root: Node | null,
  path: readonly PathSegment[],
  lines: LineCounter,
  fallback: number,
): number {
  let node: unknown = root;
  let line = fallback;
  for (const segment of path) {
    if (isMap(node) && typeof segment === 'string') {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
      if (!pair) break;
      if (isScalar(pair.key) && pair.key.range) line = lines.linePos(pair.key.range[0]).line;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      node = node.items[segment];
      const range = (node as Node | null)?.range;
      if (range) line = lines.linePos(range[0]).line;
    } else {
      break;
    }
  }
  return line;
}

function isListDocument(value: Record<string, unknown>): value is { kind: string; items: unknown[] } {
  return typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items);
}

export function parseManifests(
  file: string,
  text: string,
): { objects: ParsedObject[]; problems: ParseProblem[] } {
  const lines = new LineCounter();
  const objects: ParsedObject[] = [];
  const problems: ParseProblem[] = [];
  for (const document of parseAllDocuments(text, { ...parseOptions, lineCounter: lines })) {
    const start = document.contents?.range ? lines.linePos(document.contents.range[0]).line : 1;
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        problems.push({
          file,
          line: lines.linePos(error.pos[0]).line,
          message: `invalid YAML: ${error.message}`,
        });
      }
      continue;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      problems.push({
        file,
        line: start,
        message: `invalid YAML: ${error instanceof Error ? error.message : error}`,
      });
      continue;
    }
    if (value === null || value === undefined) continue; // an empty document, or only comments
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push({
        file,
        line: start,
        message: 'a manifest must be a mapping with apiVersion, kind and metadata (or a List with items)',
      });
      continue;
    }
    const contents = document.contents;
    const record = value as Record<string, unknown>;
    if (isListDocument(record)) {
      record.items.forEach((raw, index) => {
        const itemLine = lineAt(contents, ['items', index], lines, start);
        objects.push({
          raw,
          source: { file, line: itemLine },
          lineOf: (path) => lineAt(contents, ['items', index, ...parsePath(path)], lines, itemLine),
        });
      });
    } else {
      objects.push({
        raw: value,
        source: { file, line: start },
        lineOf: (path) => lineAt(contents, parsePath(path), lines, start),
      });
    }
  }
  return { objects, problems };
}
