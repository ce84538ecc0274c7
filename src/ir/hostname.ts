// Hostname semantics of the Gateway API shared by the translator and the data plane: a wildcard `*.example.com`
// covers one or more labels in front of `.example.com`, never the apex, and more labels make it more specific.

export function isWildcard(hostname: string): boolean {
  return hostname.startsWith('*.');
}

/** `*.example.com` → `.example.com`: what a matching host must end with. */
export function wildcardSuffix(pattern: string): string {
  return pattern.slice(1);
}

/** A wildcard covers one or more labels in front of its suffix, never the bare suffix (the apex). */
export function matchesWildcardSuffix(suffix: string, host: string): boolean {
  return host.length > suffix.length && host.endsWith(suffix);
}

/** Orders wildcard suffixes most specific first: more labels, then longer, then as given (stable sort). */
export function compareWildcardSpecificity(a: string, b: string): number {
  return labelCount(b) - labelCount(a) || b.length - a.length;
}

function labelCount(suffix: string): number {
  let dots = 0;
  for (let i = 0; i < suffix.length; i++) if (suffix.charCodeAt(i) === 46 /* . */) dots++;
  return dots;
}

/** Whether `pattern` (`foo.com` or `*.foo.com`) covers `host` (both lower case). */
export function hostnameMatches(pattern: string, host: string): boolean {
  return isWildcard(pattern) ? matchesWildcardSuffix(wildcardSuffix(pattern), host) : pattern === host;
}
