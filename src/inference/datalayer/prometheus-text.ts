// Reads samples out of the Prometheus text exposition format (version 0.0.4, as vLLM and SGLang serve it).
//
// Model servers expose hundreds of histogram lines per scrape and the picker needs a handful of
// gauges, 20 times a second per endpoint, so only the families asked for are parsed; their lines
// are parsed strictly (a malformed wanted line fails the scrape rather than yielding a wrong number).

export interface Sample {
  labels: Readonly<Record<string, string>>;
  value: number;
  /** Milliseconds since the epoch when the line carries a timestamp. */
  timestamp: number | undefined;
}

export type MetricFamilies = ReadonlyMap<string, readonly Sample[]>;

const namePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function fail(lineNumber: number, reason: string): never {
  throw new Error(`metrics line ${lineNumber}: ${reason}`);
}

function parseNumber(text: string, lineNumber: number, what: string): number {
  switch (text) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
  }
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) fail(lineNumber, `${what} ${JSON.stringify(text)} is not a number`);
  return value;
}

/** Parses `{a="x",b="y"}` starting at `line[start] === '{'`; returns the labels and the index after `}`. */
function parseLabels(
  line: string,
  start: number,
  lineNumber: number,
): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let at = start + 1;
  for (;;) {
    while (line[at] === ' ' || line[at] === ',') at++;
    if (line[at] === '}') return { labels, end: at + 1 };
    const equals = line.indexOf('=', at);
    if (equals < 0) fail(lineNumber, 'unterminated label set');
    const name = line.slice(at, equals).trim();
    if (!labelNamePattern.test(name)) fail(lineNumber, `invalid label name ${JSON.stringify(name)}`);
    at = equals + 1;
    while (line[at] === ' ') at++;
    if (line[at] !== '"') fail(lineNumber, `label ${name} has no quoted value`);
    let value = '';
    for (at++; ; at++) {
      const char = line[at];
      if (char === undefined) fail(lineNumber, `label ${name} has an unterminated value`);
      if (char === '"') break;
      if (char === '\\') {
        const escaped = line[++at];
        if (escaped === 'n') value += '\n';
        else if (escaped === '\\' || escaped === '"') value += escaped;
        else fail(lineNumber, `label ${name} has an invalid escape \\${escaped ?? ''}`);
      } else {
        value += char;
      }
    }
    labels[name] = value;
    at++;
  }
}

function parseSampleLine(line: string, nameEnd: number, lineNumber: number): Sample {
  let labels: Record<string, string> = {};
  let at = nameEnd;
  if (line[at] === '{') ({ labels, end: at } = parseLabels(line, at, lineNumber));
  const fields = line.slice(at).trim().split(/\s+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === '') fail(lineNumber, 'expected a value');
  const value = parseNumber(fields[0], lineNumber, 'value');
  const timestamp = fields.length === 2 ? parseNumber(fields[1], lineNumber, 'timestamp') : undefined;
  return { labels, value, timestamp };
}

/** The samples of the `wanted` families (every family when omitted), by metric name. */
export function parsePrometheusText(text: string, wanted?: ReadonlySet<string>): MetricFamilies {
  const families = new Map<string, Sample[]>();
  let lineNumber = 0;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '' || line[0] === '#') continue;
    let nameEnd = 0;
    while (nameEnd < line.length && line[nameEnd] !== '{' && line[nameEnd] !== ' ' && line[nameEnd] !== '\t')
      nameEnd++;
    const name = line.slice(0, nameEnd);
    if (wanted !== undefined && !wanted.has(name)) continue;
    if (!namePattern.test(name)) fail(lineNumber, `invalid metric name ${JSON.stringify(name)}`);
    const sample = parseSampleLine(line, nameEnd, lineNumber);
    const samples = families.get(name);
    if (samples === undefined) families.set(name, [sample]);
    else samples.push(sample);
  }
  return families;
}
