// Hostname rules shared by listener selection (Host and SNI) and route tables: Host normalisation and
// the exact > most specific wildcard > hostname-less precedence of the Gateway API.

import {
  compareWildcardSpecificity,
  isWildcard,
  matchesWildcardSuffix,
  wildcardSuffix,
} from '../ir/hostname.ts';

/**
 * The host part of a Host header, lower-cased, without its port: `Foo.com:8080` → `foo.com`,
 * `[::1]:8080` → `[::1]`. Matching ignores the port; the header itself is forwarded unchanged.
 */
export function hostWithoutPort(host: string | undefined): string {
  if (host === undefined || host === '') return '';
  let end = host.length;
  if (host.charCodeAt(0) === 91 /* [ */) {
    const bracket = host.indexOf(']');
    if (bracket > 0) end = bracket + 1;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) end = colon;
  }
  return (end === host.length ? host : host.slice(0, end)).toLowerCase();
}

/**
 * Picks one value per host with the listener precedence: exact hostname, then the most specific
 * matching wildcard, then the hostname-less entry. Built once per IR; `select` is a map lookup for
 * exact hosts and a short scan of wildcards otherwise.
 */
export class HostnameIndex<T> {
  readonly #exact = new Map<string, T>();
  readonly #wildcards: { suffix: string; value: T }[] = [];
  readonly #any: T | undefined;

  /** Entries are `[hostname or null, value]`; the first entry for a hostname wins. */
  constructor(entries: Iterable<readonly [string | null, T]>) {
    let any: T | undefined;
    for (const [hostname, value] of entries) {
      if (hostname === null) {
        any ??= value;
        continue;
      }
      const name = hostname.toLowerCase();
      if (isWildcard(name)) {
        const suffix = wildcardSuffix(name);
        if (!this.#wildcards.some((entry) => entry.suffix === suffix))
          this.#wildcards.push({ suffix, value });
      } else if (!this.#exact.has(name)) {
        this.#exact.set(name, value);
      }
    }
    this.#wildcards.sort((a, b) => compareWildcardSpecificity(a.suffix, b.suffix));
    this.#any = any;
  }

  /** `host` must already be normalised (lower case, no port). */
  select(host: string): T | undefined {
    const exact = this.#exact.get(host);
    if (exact !== undefined) return exact;
    for (const wildcard of this.#wildcards) {
      if (matchesWildcardSuffix(wildcard.suffix, host)) return wildcard.value;
    }
    return this.#any;
  }
}
