// Route precedence (HTTPRouteRule.matches doc): one total order over all (route, rule, match) entries of a
// listener. Hostname specificity is applied by the data plane's host buckets; this orders within a bucket.

import type { IRMatch } from '../ir/types.ts';
import type { RouteSortKey } from './listener.ts';

const pathRank = { Exact: 2, RegularExpression: 1, PathPrefix: 0 } as const;

export function compareEntries(
  a: { match: IRMatch; sortKey: RouteSortKey },
  b: { match: IRMatch; sortKey: RouteSortKey },
): number {
  return matchPrecedence(a, b) || compareAge(a.sortKey, b.sortKey);
}

function matchPrecedence(
  a: { match: IRMatch; sortKey: RouteSortKey },
  b: { match: IRMatch; sortKey: RouteSortKey },
) {
  const [ga, gb] = [a.sortKey.grpc, b.sortKey.grpc];
  if (ga && gb) {
    // GRPCRoute: most characters of service, then of method, then most header matches.
    return (
      gb.serviceLength - ga.serviceLength ||
      gb.methodLength - ga.methodLength ||
      b.match.headers.length - a.match.headers.length
    );
  }
  return (
    pathRank[b.match.path.type] - pathRank[a.match.path.type] ||
    prefixLength(b.match) - prefixLength(a.match) ||
    Number(b.match.method !== undefined) - Number(a.match.method !== undefined) ||
    b.match.headers.length - a.match.headers.length ||
    b.match.queryParams.length - a.match.queryParams.length
  );
}

/** The tie-breaks after the match: oldest route, namespace/name, rule order, match order. */
function compareAge(a: RouteSortKey, b: RouteSortKey): number {
  return (
    compareText(a.creationTimestamp, b.creationTimestamp) ||
    compareText(a.namespacedName, b.namespacedName) ||
    a.ruleIndex - b.ruleIndex ||
    a.matchIndex - b.matchIndex
  );
}

/** "The most characters" of the spec: the raw length of the path value. */
function prefixLength(match: IRMatch): number {
  return match.path.value.length;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
