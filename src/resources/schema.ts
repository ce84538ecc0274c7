// A small structural-schema language (the subset of OpenAPI v3 that Kubernetes CRDs use, plus rules that play
// the part of CEL `x-kubernetes-validations`) in which every accepted kind declares its shape and defaults.

import type { PathSegment } from './field-path.ts';

/**
 * Reports a problem at a path relative to the value the rule is attached to. Rules report errors (what the
 * API server rejects); a warning is for a spec requirement the API server leaves to the controller.
 */
export type Report = (message: string, at?: readonly PathSegment[], severity?: 'error' | 'warning') => void;

/** A cross-field check (a CEL rule's job). It runs on the defaulted value, only when its subtree is valid. */
export type Rule<T> = (self: T, report: Report) => void;

type StoredRule = (self: unknown, report: Report) => void;

interface Common {
  /** Applied when the field is absent or null, like a CRD `default:`. Cloned on use. */
  default?: unknown;
  rules?: StoredRule[];
}

export interface StringSchema extends Common {
  type: 'string';
  enum?: readonly string[];
  minLength?: number;
  maxLength?: number;
  /** Tested like Kubernetes does (a search, so anchors matter). */
  pattern?: RegExp;
  /** What `pattern` means, in words, for the message when it does not match. */
  patternMeans?: string;
}

export interface IntegerSchema extends Common {
  type: 'integer';
  enum?: readonly number[];
  minimum?: number;
  maximum?: number;
}

export interface BooleanSchema extends Common {
  type: 'boolean';
}

/** `x-kubernetes-int-or-string`. */
export interface IntOrStringSchema extends Common {
  type: 'int-or-string';
}

export interface ObjectSchema extends Common {
  type: 'object';
  properties: Readonly<Record<string, Schema>>;
  required: readonly string[];
  /** Defaults that depend on other fields (Kubernetes defaulting functions); runs before the rules. */
  normalize?: (self: unknown) => void;
}

/** An object with free keys (`additionalProperties`). */
export interface MapSchema extends Common {
  type: 'map';
  values: Schema;
  minProperties?: number;
  maxProperties?: number;
  /** Why a key is not valid, or undefined when it is. */
  keyProblem?: (key: string) => string | undefined;
}

export interface ArraySchema extends Common {
  type: 'array';
  items: Schema;
  minItems?: number;
  maxItems?: number;
  /** `x-kubernetes-list-type`: `set` items are unique, `map` items are unique by `mapKeys`. */
  listType?: 'atomic' | 'set' | 'map';
  mapKeys?: readonly string[];
}

/** `x-kubernetes-preserve-unknown-fields`: kept as written, not checked. */
export interface PreservedSchema extends Common {
  type: 'preserved';
}

/** Accepted and silently removed (e.g. `status`, which only the controller writes). */
export interface DroppedSchema extends Common {
  type: 'dropped';
}

export type Schema =
  | StringSchema
  | IntegerSchema
  | BooleanSchema
  | IntOrStringSchema
  | ObjectSchema
  | MapSchema
  | ArraySchema
  | PreservedSchema
  | DroppedSchema;

// --- builders ------------------------------------------------------------------------------------

// The schema guarantees the shape a rule receives, so this is the one place a validated value gets its type.
function storeRules<T>(rules: readonly Rule<T>[] | undefined): StoredRule[] | undefined {
  return rules?.map((rule) => (self: unknown, report: Report) => rule(self as T, report));
}

type Options<S extends Common, T> = Omit<S, 'type' | 'rules'> & { rules?: readonly Rule<T>[] };

export function string(options: Options<StringSchema, string> = {}): StringSchema {
  return { ...options, type: 'string', rules: storeRules(options.rules) };
}

export function integer(options: Options<IntegerSchema, number> = {}): IntegerSchema {
  return { ...options, type: 'integer', rules: storeRules(options.rules) };
}

export function boolean(options: Options<BooleanSchema, boolean> = {}): BooleanSchema {
  return { ...options, type: 'boolean', rules: storeRules(options.rules) };
}

export function intOrString(options: Options<IntOrStringSchema, number | string> = {}): IntOrStringSchema {
  return { ...options, type: 'int-or-string', rules: storeRules(options.rules) };
}

/**
 * Every field of `T` must have a schema (so types and schemas cannot drift apart); fields the type does not
 * name may be declared too, and are kept in the admitted object.
 */
export type Properties<T> = { [K in keyof T]-?: Schema } & Record<string, Schema>;

export interface ObjectOptions<T> {
  required?: readonly (keyof T & string)[];
  default?: unknown;
  rules?: readonly Rule<T>[];
  normalize?: (self: T) => void;
}

export function object<T>(properties: Properties<T>, options: ObjectOptions<T> = {}): ObjectSchema {
  const { normalize } = options;
  return {
    type: 'object',
    properties,
    required: options.required ?? [],
    default: options.default,
    rules: storeRules(options.rules),
    normalize: normalize && ((self: unknown) => normalize(self as T)),
  };
}

export function map<V>(
  values: Schema,
  options: Omit<Options<MapSchema, Record<string, V>>, 'values'> = {},
): MapSchema {
  return { ...options, type: 'map', values, rules: storeRules(options.rules) };
}

export function array<T>(items: Schema, options: Omit<Options<ArraySchema, T[]>, 'items'> = {}): ArraySchema {
  return { ...options, type: 'array', items, rules: storeRules(options.rules) };
}

export function preserved(): PreservedSchema {
  return { type: 'preserved' };
}

export function dropped(): DroppedSchema {
  return { type: 'dropped' };
}

/** A copy of a schema with a default (shared schemas such as `group` take different defaults per use). */
export function withDefault<S extends Schema>(schema: S, value: unknown): S {
  return { ...schema, default: value };
}
