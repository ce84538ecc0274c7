// Strict readers for configuration values: every field typed, ranged and defaulted, unknown fields
// rejected, each problem naming its field path so the config loader can point at a file line.

import type { PathSegment } from '../../resources/field-path.ts';
import { parseDuration } from '../../resources/gateway-shared.ts';

export class ConfigProblem extends Error {
  readonly path: readonly PathSegment[];

  constructor(path: readonly PathSegment[], message: string) {
    super(message);
    this.name = 'ConfigProblem';
    this.path = path;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const quantityUnits: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Reads the fields of one mapping; `done()` fails on any field that was not read. */
export class Params {
  readonly #raw: Record<string, unknown>;
  readonly #path: readonly PathSegment[];
  readonly #read = new Set<string>();

  constructor(raw: unknown, path: readonly PathSegment[]) {
    if (raw !== undefined && raw !== null && !isRecord(raw))
      throw new ConfigProblem(path, 'must be a mapping');
    this.#raw = isRecord(raw) ? raw : {};
    this.#path = path;
  }

  at(key: string): PathSegment[] {
    return [...this.#path, key];
  }

  has(key: string): boolean {
    return this.#raw[key] !== undefined && this.#raw[key] !== null;
  }

  raw(key: string): unknown {
    this.#read.add(key);
    const value = this.#raw[key];
    return value === null ? undefined : value;
  }

  number(
    key: string,
    fallback: number,
    range: { min?: number; max?: number; integer?: boolean } = {},
  ): number {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, integer = false } = range;
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      throw new ConfigProblem(
        this.at(key),
        `must be ${integer ? 'an integer' : 'a number'}, not ${show(value)}`,
      );
    }
    if (value < min || value > max) {
      const unbounded = max === Number.POSITIVE_INFINITY || max === Number.MAX_SAFE_INTEGER;
      const bounds = unbounded ? `at least ${min}` : `between ${min} and ${max}`;
      throw new ConfigProblem(this.at(key), `must be ${bounds}, not ${value}`);
    }
    return value;
  }

  integer(key: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    return this.number(key, fallback, { min, max, integer: true });
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean')
      throw new ConfigProblem(this.at(key), `must be true or false, not ${show(value)}`);
    return value;
  }

  string(key: string, fallback: string, oneOf?: readonly string[]): string {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value !== 'string')
      throw new ConfigProblem(this.at(key), `must be a string, not ${show(value)}`);
    if (oneOf !== undefined && !oneOf.includes(value))
      throw new ConfigProblem(this.at(key), `must be one of ${oneOf.join(', ')}, not ${show(value)}`);
    return value;
  }

  /** A duration such as `200ms`, `30s` or `1m30s`, in milliseconds. */
  duration(key: string, fallbackMs: number): number {
    const value = this.raw(key);
    if (value === undefined) return fallbackMs;
    const ms = typeof value === 'string' ? parseDuration(value) : undefined;
    if (ms === undefined)
      throw new ConfigProblem(
        this.at(key),
        `must be a duration such as "200ms" or "30s", not ${show(value)}`,
      );
    return ms;
  }

  /**
   * A Kubernetes quantity such as `1Gi`, `500M` or `1k` (or a plain number), as a number; unset gives
   * `fallback`.
   */
  quantity(key: string, fallback: number): number {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    const match =
      typeof value === 'string' ? /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(value) : undefined;
    const amount =
      typeof value === 'number'
        ? value
        : match
          ? Number(match[1]) * (quantityUnits[match[2] ?? ''] ?? 1)
          : Number.NaN;
    if (!(amount >= 0) || !Number.isFinite(amount))
      throw new ConfigProblem(
        this.at(key),
        `must be a quantity such as 1000, "1k" or "1Gi", not ${show(value)}`,
      );
    return Math.floor(amount);
  }

  /** A list whose items are read by `item` with their own paths. */
  list<T>(key: string, item: (value: unknown, path: PathSegment[]) => T): T[] {
    const value = this.raw(key);
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new ConfigProblem(this.at(key), `must be a list, not ${show(value)}`);
    return value.map((entry, index) => item(entry, [...this.at(key), index]));
  }

  /** Fails on the first field nobody read: a misspelt parameter must not be silently ignored. */
  done(known?: string): void {
    for (const key of Object.keys(this.#raw)) {
      if (this.#read.has(key)) continue;
      const expected = [...this.#read].join(', ');
      throw new ConfigProblem(
        this.at(key),
        `unknown field${known ? ` for ${known}` : ''}${expected ? ` (expected one of ${expected})` : ' (it takes none)'}`,
      );
    }
  }
}

/** Collects problems instead of stopping at the first, so one run shows every mistake. */
export class Problems {
  readonly list: ConfigProblem[] = [];

  /** Runs `step`; a ConfigProblem it throws is recorded and `fallback` returned. */
  attempt<T>(step: () => T, fallback: T): T {
    try {
      return step();
    } catch (error) {
      if (!(error instanceof ConfigProblem)) throw error;
      this.list.push(error);
      return fallback;
    }
  }

  add(path: readonly PathSegment[], message: string): void {
    this.list.push(new ConfigProblem(path, message));
  }
}
