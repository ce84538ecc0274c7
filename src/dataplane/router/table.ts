// A listener's route table: entries bucketed by route hostname once per IR, looked up per request.

import {
  compareWildcardSpecificity,
  isWildcard,
  matchesWildcardSuffix,
  wildcardSuffix,
} from '../../ir/hostname.ts';
import { type CompiledMatch, type MatchInput, matches } from './match.ts';

export interface RoutableEntry {
  match: CompiledMatch;
}

/**
 * Lookup order for a request host: the exact-host bucket, then every matching wildcard bucket, most
 * specific first, then the catch-all bucket (entries whose route lists no hostname). Inside a bucket
 * the translator's precedence order is kept; the first entry whose match matches wins.
 */
export class RouteTable<R extends RoutableEntry> {
  /** Per exact host, its whole candidate list (exact, matching wildcards, catch-all), precomputed. */
  readonly #exact = new Map<string, R[]>();
  readonly #wildcards: { suffix: string; entries: R[] }[] = [];
  readonly #catchAll: R[] = [];

  /** `entries` are in precedence order; an empty hostname list (or `""`) means any host. */
  constructor(entries: readonly { hostnames: readonly string[]; route: R }[]) {
    const exactBuckets = new Map<string, R[]>();
    const wildcardBuckets = new Map<string, R[]>();
    for (const { hostnames, route } of entries) {
      const names = hostnames.filter((name) => name !== '');
      if (names.length === 0) {
        this.#catchAll.push(route);
        continue;
      }
      for (const name of new Set(names.map((hostname) => hostname.toLowerCase()))) {
        const buckets = isWildcard(name) ? wildcardBuckets : exactBuckets;
        const key = isWildcard(name) ? wildcardSuffix(name) : name;
        const bucket = buckets.get(key);
        if (bucket === undefined) buckets.set(key, [route]);
        else bucket.push(route);
      }
    }
    for (const [suffix, bucket] of wildcardBuckets) this.#wildcards.push({ suffix, entries: bucket });
    this.#wildcards.sort((a, b) => compareWildcardSpecificity(a.suffix, b.suffix));
    for (const [host, bucket] of exactBuckets) {
      const candidates = new Set(bucket);
      for (const wildcard of this.#wildcards) {
        if (matchesWildcardSuffix(wildcard.suffix, host))
          for (const route of wildcard.entries) candidates.add(route);
      }
      for (const route of this.#catchAll) candidates.add(route);
      this.#exact.set(host, [...candidates]);
    }
  }

  /** `host` must be normalised (lower case, no port). */
  lookup(host: string, input: MatchInput): R | undefined {
    const candidates = this.#exact.get(host);
    if (candidates !== undefined) return firstMatch(candidates, input);
    for (const wildcard of this.#wildcards) {
      if (!matchesWildcardSuffix(wildcard.suffix, host)) continue;
      const found = firstMatch(wildcard.entries, input);
      if (found !== undefined) return found;
    }
    return firstMatch(this.#catchAll, input);
  }
}

function firstMatch<R extends RoutableEntry>(entries: readonly R[], input: MatchInput): R | undefined {
  for (const entry of entries) {
    if (matches(entry.match, input)) return entry;
  }
  return undefined;
}
