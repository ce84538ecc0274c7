// Walks a raw value through a schema the way the Kubernetes API server admits a custom resource: nulls are
// pruned, defaults applied, types and limits checked, unknown fields dropped with a warning, then rules run.

import { formatPath, type PathSegment } from './field-path.ts';
import type { ArraySchema, IntegerSchema, MapSchema, ObjectSchema, Schema, StringSchema } from './schema.ts';

export interface Problem {
  severity: 'error' | 'warning';
  /** e.g. `spec.rules[0].matches[1].path.value`; `''` for the object itself. */
  path: string;
  message: string;
}

class Checker {
  readonly problems: Problem[] = [];
  errors = 0;

  error(path: readonly PathSegment[], message: string): void {
    this.errors++;
    this.problems.push({ severity: 'error', path: formatPath(path), message });
  }

  warning(path: readonly PathSegment[], message: string): void {
    this.problems.push({ severity: 'warning', path: formatPath(path), message });
  }

  /** Returns the admitted value (defaults applied, unknown fields removed), or undefined to drop the field. */
  walk(schema: Schema, value: unknown, path: readonly PathSegment[]): unknown {
    const errorsBefore = this.errors;
    const admitted = this.walkType(schema, value, path);
    // Like CEL rules, cross-field checks only make sense on a value whose own shape is right.
    if (this.errors === errorsBefore) {
      if (schema.type === 'object') schema.normalize?.(admitted);
      for (const rule of schema.rules ?? []) {
        rule(admitted, (message, at = [], severity = 'error') =>
          severity === 'error'
            ? this.error([...path, ...at], message)
            : this.warning([...path, ...at], message),
        );
      }
    }
    return admitted;
  }

  private walkType(schema: Schema, value: unknown, path: readonly PathSegment[]): unknown {
    switch (schema.type) {
      case 'string':
        return this.walkString(schema, value, path);
      case 'integer':
        return this.walkInteger(schema, value, path);
      case 'boolean':
        return typeof value === 'boolean' ? value : this.wrongType('true or false', value, path);
      case 'int-or-string':
        if (typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value))) return value;
        return this.wrongType('an integer or a string', value, path);
      case 'object':
        return this.walkObject(schema, value, path);
      case 'map':
        return this.walkMap(schema, value, path);
      case 'array':
        return this.walkArray(schema, value, path);
      case 'preserved':
        return value;
      case 'dropped':
        return undefined;
    }
  }

  private wrongType(expected: string, value: unknown, path: readonly PathSegment[], hint = ''): unknown {
    this.error(path, `must be ${expected}, not ${describe(value)}${hint}`);
    return value;
  }

  private walkInteger(schema: IntegerSchema, value: unknown, path: readonly PathSegment[]): unknown {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      return this.wrongType('an integer', value, path);
    }
    const { enum: allowed, minimum, maximum } = schema;
    if (allowed && !allowed.includes(value)) {
      this.error(path, `unsupported value ${value}; must be one of: ${allowed.join(', ')}`);
    } else if (minimum !== undefined && maximum !== undefined && (value < minimum || value > maximum)) {
      this.error(path, `must be between ${minimum} and ${maximum}, not ${value}`);
    } else if (minimum !== undefined && maximum === undefined && value < minimum) {
      this.error(path, `must be at least ${minimum}, not ${value}`);
    } else if (maximum !== undefined && minimum === undefined && value > maximum) {
      this.error(path, `must be at most ${maximum}, not ${value}`);
    }
    return value;
  }

  private walkString(schema: StringSchema, value: unknown, path: readonly PathSegment[]): unknown {
    if (typeof value !== 'string') {
      // Unquoted True or 80 in YAML is a boolean or a number; quoting it is the usual fix.
      const quoted = typeof value === 'boolean' || typeof value === 'number';
      return this.wrongType('a string', value, path, quoted ? ' (quote it in YAML to make it a string)' : '');
    }
    const length = [...value].length; // Kubernetes counts characters, not UTF-16 units
    if (schema.enum) {
      if (!schema.enum.includes(value)) {
        this.error(
          path,
          `unsupported value ${quote(value)}; must be one of: ${schema.enum.map(quote).join(', ')}`,
        );
      }
    } else if (schema.minLength !== undefined && length < schema.minLength) {
      this.error(
        path,
        schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters`,
      );
    } else if (schema.maxLength !== undefined && length > schema.maxLength) {
      this.error(path, `must be at most ${schema.maxLength} characters, not ${length}`);
    } else if (schema.pattern && !schema.pattern.test(value)) {
      const means = schema.patternMeans ?? `a value matching ${schema.pattern.source}`;
      this.error(path, `invalid value ${quote(value)}: must be ${means}`);
    }
    return value;
  }

  private walkObject(schema: ObjectSchema, value: unknown, path: readonly PathSegment[]): unknown {
    if (!isPlainObject(value)) return this.wrongType('an object', value, path);
    const admitted: Record<string, unknown> = {};
    // Written fields first, in the author's order; then defaults and missing required fields.
    for (const [key, field] of Object.entries(value)) {
      const fieldSchema = Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
      if (!fieldSchema) {
        this.warning([...path, key], 'unknown field; it is ignored');
        continue;
      }
      if (field === null || field === undefined) continue; // null means absent, as for the API server
      const child = this.walk(fieldSchema, field, [...path, key]);
      if (child !== undefined) admitted[key] = child;
    }
    for (const [key, fieldSchema] of Object.entries(schema.properties)) {
      if (key in admitted) continue;
      if (fieldSchema.default !== undefined) {
        admitted[key] = this.walk(fieldSchema, structuredClone(fieldSchema.default), [...path, key]);
      } else if (schema.required.includes(key) && fieldSchema.type !== 'dropped') {
        this.error([...path, key], 'required field is missing');
      }
    }
    return admitted;
  }

  private walkMap(schema: MapSchema, value: unknown, path: readonly PathSegment[]): unknown {
    if (!isPlainObject(value)) return this.wrongType('an object (a map of keys to values)', value, path);
    const entries = Object.entries(value);
    if (schema.minProperties !== undefined && entries.length < schema.minProperties) {
      const noun = schema.minProperties === 1 ? 'entry' : 'entries';
      this.error(path, `must have at least ${schema.minProperties} ${noun}`);
    }
    if (schema.maxProperties !== undefined && entries.length > schema.maxProperties) {
      this.error(path, `must have at most ${schema.maxProperties} entries, not ${entries.length}`);
    }
    const admitted: Record<string, unknown> = {};
    for (const [key, entry] of entries) {
      const keyProblem = schema.keyProblem?.(key);
      if (keyProblem) this.error([...path, key], keyProblem);
      if (entry === null) {
        this.wrongType(itemKind(schema.values), entry, [...path, key]);
        continue;
      }
      // defineProperty, so that a key such as `__proto__` stays a plain entry
      Object.defineProperty(admitted, key, {
        value: this.walk(schema.values, entry, [...path, key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return admitted;
  }

  private walkArray(schema: ArraySchema, value: unknown, path: readonly PathSegment[]): unknown {
    if (!Array.isArray(value)) return this.wrongType('a list', value, path);
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      this.error(path, `must have at least ${schema.minItems} ${schema.minItems === 1 ? 'item' : 'items'}`);
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      this.error(path, `must have at most ${schema.maxItems} items, not ${value.length}`);
    }
    const admitted = value.map((item: unknown, index) =>
      item === null
        ? this.wrongType(itemKind(schema.items), item, [...path, index])
        : this.walk(schema.items, item, [...path, index]),
    );
    if (schema.listType === 'set') this.checkUnique(admitted, path, (item) => item, 'duplicate value');
    if (schema.listType === 'map' && schema.mapKeys) {
      const keys = schema.mapKeys;
      const describeKey = (item: unknown) =>
        keys.map((key) => `${key} ${quote(isPlainObject(item) ? item[key] : undefined)}`).join(', ');
      this.checkUnique(
        admitted,
        path,
        (item) => keys.map((key) => (isPlainObject(item) ? item[key] : undefined)),
        (item) => `duplicate entry for ${describeKey(item)}`,
      );
    }
    return admitted;
  }

  private checkUnique(
    items: unknown[],
    path: readonly PathSegment[],
    identity: (item: unknown) => unknown,
    message: string | ((item: unknown) => string),
  ): void {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const key = canonicalJSON(identity(item));
      if (seen.has(key)) {
        this.error(
          [...path, index],
          typeof message === 'string' ? `${message} ${quote(item)}` : message(item),
        );
      }
      seen.add(key);
    });
  }
}

/** Admits `value` against `schema`; `value` is undefined when there are errors. */
export function checkValue(schema: Schema, raw: unknown): { value?: unknown; problems: Problem[] } {
  const checker = new Checker();
  const value = checker.walk(schema, raw, []);
  return checker.errors > 0 ? { problems: checker.problems } : { value, problems: checker.problems };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function itemKind(schema: Schema): string {
  switch (schema.type) {
    case 'object':
    case 'map':
      return 'an object';
    case 'array':
      return 'a list';
    case 'integer':
      return 'an integer';
    case 'boolean':
      return 'true or false';
    default:
      return 'a string';
  }
}

/** How a wrong value is named in a message: its kind, and the value itself when it is short. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${quote(value)}`;
  if (typeof value === 'number')
    return Number.isInteger(value) ? `the number ${value}` : `the decimal ${value}`;
  return `the ${typeof value} ${String(value)}`;
}

/** A value as it appears in messages: JSON, cut short when long. */
export function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function canonicalJSON(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJSON).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJSON(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
