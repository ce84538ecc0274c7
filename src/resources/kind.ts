// What a kind declares to be admitted: its group, served versions, scope, name format and object schema.

import { objectMeta } from './metadata.ts';
import type { KubeObject } from './object.ts';
import {
  type ObjectSchema,
  object,
  type Properties,
  type Rule,
  type StringSchema,
  string,
} from './schema.ts';

/** An apiVersion in another API group that still carries this kind with the same schema (an API that moved). */
export interface FormerApiVersion {
  apiVersion: string;
  /** Given as a warning on every object written with it: where the API lives now. */
  warning: string;
}

export interface KindDefinition {
  /** `''` for the core group. */
  group: string;
  kind: string;
  /** Served versions; objects are stored as the first one. */
  versions: readonly string[];
  /** Accepted too, and stored as the first of `versions`. */
  formerly: readonly FormerApiVersion[];
  namespaced: boolean;
  schema: ObjectSchema;
}

type Body<T extends KubeObject> = Omit<T, 'apiVersion' | 'kind' | 'metadata'>;

export interface KindDeclaration<T extends KubeObject> {
  group: string;
  kind: T['kind'];
  versions: readonly string[];
  formerly?: readonly FormerApiVersion[];
  namespaced: boolean;
  /** The format of `metadata.name` the API server enforces for this kind. */
  name: StringSchema;
  /** The fields next to `apiVersion`, `kind` and `metadata` (usually `spec` and `status`). */
  fields: Properties<Body<T>>;
  required?: readonly (keyof Body<T> & string)[];
  rules?: readonly Rule<T>[];
  normalize?: (self: T) => void;
}

export function defineKind<T extends KubeObject>(declaration: KindDeclaration<T>): KindDefinition {
  const { group, kind, versions, namespaced, name, fields } = declaration;
  const properties = {
    apiVersion: string(),
    kind: string(),
    metadata: objectMeta({ kind, namespaced, name }),
    ...fields,
  } as Properties<T>;
  const schema = object<T>(properties, {
    required: ['apiVersion', 'kind', 'metadata', ...(declaration.required ?? [])] as (keyof T & string)[],
    rules: declaration.rules,
    normalize: declaration.normalize,
  });
  return { group, kind, versions, formerly: declaration.formerly ?? [], namespaced, schema };
}
