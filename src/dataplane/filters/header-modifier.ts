// Request/ResponseHeaderModifier: `set` replaces every value, `add` appends one more value, `remove`
// deletes; names compare case-insensitively. Compiled once per IR, applied per request.

import type { IRHeaderModifier } from '../../ir/types.ts';

/** Response headers as undici hands them over and node:http takes them: lower-case names. */
export type HeaderRecord = Record<string, string | string[] | undefined>;

export interface CompiledHeaderModifier {
  /** Lower-case names whose existing values go away (`set` and `remove`). */
  drop: ReadonlySet<string>;
  set: readonly (readonly [string, string])[];
  add: readonly (readonly [string, string])[];
}

export function compileHeaderModifier(modifier: IRHeaderModifier): CompiledHeaderModifier {
  const lower = ([name, value]: [string, string]) => [name.toLowerCase(), value] as const;
  const set = modifier.set.map(lower);
  return {
    drop: new Set([...set.map(([name]) => name), ...modifier.remove.map((name) => name.toLowerCase())]),
    set,
    add: modifier.add.map(lower),
  };
}

/** Applies a modifier to a flat `[name, value, name, value, …]` request header list, in place. */
export function modifyHeaderList(headers: string[], modifier: CompiledHeaderModifier): void {
  if (modifier.drop.size > 0) removeFromHeaderList(headers, modifier.drop);
  for (const [name, value] of modifier.set) headers.push(name, value);
  for (const [name, value] of modifier.add) headers.push(name, value);
}

/** Removes every line whose lower-cased name is in `names` from a flat header list, in place. */
export function removeFromHeaderList(headers: string[], names: ReadonlySet<string>): void {
  let kept = 0;
  for (let i = 0; i < headers.length; i += 2) {
    if (names.has(headers[i].toLowerCase())) continue;
    headers[kept] = headers[i];
    headers[kept + 1] = headers[i + 1];
    kept += 2;
  }
  headers.length = kept;
}

/** Applies a modifier to a response header record (lower-case names), in place. */
export function modifyHeaderRecord(headers: HeaderRecord, modifier: CompiledHeaderModifier): void {
  for (const name of modifier.drop) delete headers[name];
  for (const [name, value] of modifier.set) headers[name] = value;
  for (const [name, value] of modifier.add) {
    const existing = headers[name];
    if (existing === undefined) headers[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else headers[name] = [existing, value];
  }
}
