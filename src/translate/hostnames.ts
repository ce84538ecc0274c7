// Listener/route hostname intersection and listener ordering (wildcard semantics live in ir/hostname.ts).

import { compareWildcardSpecificity, hostnameMatches, isWildcard, wildcardSuffix } from '../ir/hostname.ts';

/**
 * The hostnames a route serves on a listener (`hostnames.md` of the spec): `null` when they do not
 * intersect, `[]` when both sides accept any host.
 */
export function intersectHostnames(
  listenerHostname: string | undefined,
  routeHostnames: string[],
): string[] | null {
  if (routeHostnames.length === 0) return listenerHostname ? [listenerHostname] : [];
  if (!listenerHostname) return [...routeHostnames];
  const result: string[] = [];
  for (const routeHostname of routeHostnames) {
    const served = intersectOne(listenerHostname, routeHostname);
    if (served !== null && !result.includes(served)) result.push(served);
  }
  return result.length > 0 ? result : null;
}

/**
 * Whether two routes' hostnames on one listener (as `intersectHostnames` gives them, `[]` meaning any
 * host the listener accepts) have a host in common.
 */
export function hostnamesIntersect(a: string[], b: string[]): boolean {
  if (a.length === 0 || b.length === 0) return true;
  return a.some((first) => b.some((second) => intersectOne(first, second) !== null));
}

function intersectOne(listener: string, route: string): string | null {
  if (listener === route) return route;
  if (hostnameMatches(listener, route)) return route;
  if (hostnameMatches(route, listener)) return listener;
  if (isWildcard(listener) && isWildcard(route)) {
    // Two wildcards overlap when one is a suffix of the other; the more specific one is served.
    if (route.endsWith(listener.slice(1))) return route;
    if (listener.endsWith(route.slice(1))) return listener;
  }
  return null;
}

/** Specificity order for listener hostnames: exact first, then the most specific wildcard, then none. */
export function compareHostnameSpecificity(a: string | undefined, b: string | undefined): number {
  return (
    hostnameRank(b) - hostnameRank(a) ||
    (a && b && isWildcard(a) && isWildcard(b)
      ? compareWildcardSpecificity(wildcardSuffix(a), wildcardSuffix(b))
      : 0) ||
    (a ?? '').localeCompare(b ?? '')
  );
}

function hostnameRank(hostname: string | undefined): number {
  if (!hostname) return 0;
  return isWildcard(hostname) ? 1 : 2;
}
