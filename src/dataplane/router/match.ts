// Compiles an IRMatch once per IR into plain matchers (regexes built once) and evaluates them.

import type { IRMatch, IRPathMatch, IRValueMatch } from '../../ir/types.ts';

/** What matching needs to know about a request; the exchange implements it without copying. */
export interface MatchInput {
  readonly method: string;
  /** Request path without the query string. */
  readonly path: string;
  /** Value of a header by lower-case name, repeated headers joined with `,`; undefined if absent. */
  header(name: string): string | undefined;
  /** First value of a query parameter (name compared case-sensitively); undefined if absent. */
  queryParam(name: string): string | undefined;
}

export type PathMatcher =
  | { type: 'Exact'; value: string }
  /** `prefix` has no trailing `/`; the empty prefix matches every path. */
  | { type: 'PathPrefix'; prefix: string }
  | { type: 'RegularExpression'; regex: RegExp };

export interface ValueMatcher {
  name: string;
  /** Exact value, or null when `regex` decides. */
  exact: string | null;
  regex: RegExp | null;
}

export interface CompiledMatch {
  path: PathMatcher;
  method: string | null;
  headers: ValueMatcher[];
  queryParams: ValueMatcher[];
}

/** Stands in for a pattern JavaScript cannot compile: the translator validates patterns, so this is a last guard. */
const neverMatches = /(?!)/;

/** Anchors a Gateway API regular expression so that it must match the whole value. */
export function fullMatchRegex(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return neverMatches;
  }
}

export function compileMatch(match: IRMatch): CompiledMatch {
  return {
    path: compilePath(match.path),
    method: match.method ?? null,
    headers: match.headers.map((header) => compileValue({ ...header, name: header.name.toLowerCase() })),
    queryParams: match.queryParams.map(compileValue),
  };
}

function compilePath(path: IRPathMatch): PathMatcher {
  switch (path.type) {
    case 'Exact':
      return { type: 'Exact', value: path.value };
    case 'PathPrefix':
      return { type: 'PathPrefix', prefix: trimTrailingSlashes(path.value) };
    case 'RegularExpression':
      return { type: 'RegularExpression', regex: fullMatchRegex(path.value) };
  }
}

function compileValue(match: IRValueMatch): ValueMatcher {
  return match.type === 'Exact'
    ? { name: match.name, exact: match.value, regex: null }
    : { name: match.name, exact: null, regex: fullMatchRegex(match.value) };
}

export function trimTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47 /* / */) end--;
  return end === path.length ? path : path.slice(0, end);
}

/** Element-wise prefix: `/abc` matches `/abc`, `/abc/` and `/abc/x`, never `/abcd`. */
export function pathHasPrefix(path: string, prefix: string): boolean {
  if (prefix === '') return true;
  return path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === 47);
}

export function matchPath(matcher: PathMatcher, path: string): boolean {
  switch (matcher.type) {
    case 'Exact':
      return path === matcher.value;
    case 'PathPrefix':
      return pathHasPrefix(path, matcher.prefix);
    case 'RegularExpression':
      return matcher.regex.test(path);
  }
}

function matchValue(matcher: ValueMatcher, value: string | undefined): boolean {
  if (value === undefined) return false;
  return matcher.regex === null ? value === matcher.exact : matcher.regex.test(value);
}

/** Path, method, headers and query parameters of one match are ANDed. */
export function matches(match: CompiledMatch, input: MatchInput): boolean {
  if (!matchPath(match.path, input.path)) return false;
  if (match.method !== null && match.method !== input.method) return false;
  for (const header of match.headers) {
    if (!matchValue(header, input.header(header.name))) return false;
  }
  for (const param of match.queryParams) {
    if (!matchValue(param, input.queryParam(param.name))) return false;
  }
  return true;
}
