// Field paths such as `spec.rules[0].matches[1].path.value` or `metadata.labels["app.kubernetes.io/name"]`:
// admission writes them into problems, the file parser reads them back to find a line.

export type PathSegment = string | number;

const plainName = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function formatPath(segments: readonly PathSegment[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (plainName.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

/** The inverse of `formatPath`; a malformed tail is ignored (the caller only wants the best line). */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const token = /\.?([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  while (token.lastIndex < path.length) {
    const start = token.lastIndex;
    const match = token.exec(path);
    if (!match || token.lastIndex === start) break;
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3]) as string);
  }
  return segments;
}
