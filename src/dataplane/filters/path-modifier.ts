// The Gateway API path modifiers (ReplaceFullPath, ReplacePrefixMatch) as pure string functions,
// shared by RequestRedirect and URLRewrite.

import { pathHasPrefix, trimTrailingSlashes } from '../router/match.ts';

/**
 * Replaces the element-wise `prefix` of `path` with `replacement`, following the spec's table: trailing
 * slashes of the prefix and the replacement are not significant, the result never holds `//` at the
 * seam, and an emptied path becomes `/` (`/foo` with prefix `/foo`, replacement `` → `/`; `/foo/` with
 * prefix `/foo`, replacement `/xyz` → `/xyz/`). A path that does not start with the prefix is returned as is.
 */
export function replacePrefixMatch(path: string, prefix: string, replacement: string): string {
  const matched = trimTrailingSlashes(prefix);
  if (!pathHasPrefix(path, matched)) return path;
  const rest = path.slice(matched.length);
  const head = trimTrailingSlashes(replacement);
  if (rest === '') return head === '' ? '/' : head;
  return head + rest;
}

/** A path modifier bound to the PathPrefix of the route match it belongs to (resolved once per IR). */
export type BoundPathModifier =
  | { type: 'ReplaceFullPath'; value: string }
  | { type: 'ReplacePrefixMatch'; prefix: string; value: string };

export function modifyPath(path: string, modifier: BoundPathModifier): string {
  return modifier.type === 'ReplaceFullPath'
    ? modifier.value
    : replacePrefixMatch(path, modifier.prefix, modifier.value);
}
