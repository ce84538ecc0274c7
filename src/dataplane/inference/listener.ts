// What a listener with inference routes knows, compiled once per IR: that its inference requests are read
// before route matching, the base model of each model name (`x-gateway-base-model-name`), and which model
// names it serves (its `GET /v1/models` answer).

import { inferenceHeaders } from '../../inference/requestcontrol/headers.ts';
import { hostnameMatches } from '../../ir/hostname.ts';
import type { IRRoute, IRValueMatch } from '../../ir/types.ts';
import type { PoolRuntime } from './pools.ts';

export interface ServedModel {
  id: string;
  /** Route hostnames it is served under; empty: every host of the listener. */
  hostnames: readonly string[];
}

/** The learned half of the base-model lookup: what a pool's servers list (see served-models.ts). */
export interface ModelCatalog {
  readonly baseModels: ReadonlyMap<string, string>;
}

export interface ListenerInference {
  /** Model names routes match on exactly (and names pools rewrite), listed as they are. */
  models: readonly ServedModel[];
  /** Base models routes match on exactly: every name that maps to one is listed with it. */
  baseModels: readonly ServedModel[];
  /** Model name → base model from the Gateway's ConfigMaps; wins over what servers list. */
  mappings: ReadonlyMap<string, string>;
  /** The catalogs of the pools the listener's routes reach, in route order: the first that knows a name wins. */
  catalogs: readonly ModelCatalog[];
  /** `created` of the listed models: when this IR was compiled, in Unix seconds. */
  created: number;
}

/**
 * Null for a listener whose routes neither send to an InferencePool nor match on the model or base model name:
 * its requests keep the streaming path. Served models are the exact `x-gateway-model-name` values routes match
 * on, plus the names pools rewrite on routes that take any model; base models are the exact
 * `x-gateway-base-model-name` values.
 */
export function compileListenerInference(
  routes: readonly IRRoute[],
  pools: ReadonlyMap<string, { rewrites: PoolRuntime['rewrites']; servedModels: ModelCatalog }>,
  baseModels: Readonly<Record<string, string>> = {},
): ListenerInference | null {
  let inference = false;
  const models: ServedModel[] = [];
  const bases: ServedModel[] = [];
  const catalogs: ModelCatalog[] = [];
  const add = (list: ServedModel[], id: string, hostnames: readonly string[]) => {
    if (!list.some((model) => model.id === id && sameHostnames(model.hostnames, hostnames)))
      list.push({ id, hostnames });
  };
  for (const route of routes) {
    const named = headerMatches(route, inferenceHeaders.modelName);
    const based = headerMatches(route, inferenceHeaders.baseModelName);
    const poolIds = route.backends.flatMap(({ target }) => (target.kind === 'pool' ? [target.pool] : []));
    if (named.length === 0 && based.length === 0 && poolIds.length === 0) continue;
    inference = true;
    for (const id of poolIds) {
      const catalog = pools.get(id)?.servedModels;
      if (catalog !== undefined && !catalogs.includes(catalog)) catalogs.push(catalog);
    }
    for (const header of named) if (header.type === 'Exact') add(models, header.value, route.hostnames);
    for (const header of based) if (header.type === 'Exact') add(bases, header.value, route.hostnames);
    if (named.length > 0 || based.length > 0) continue;
    for (const id of poolIds)
      for (const rewrite of pools.get(id)?.rewrites ?? [])
        for (const model of rewrite.models ?? []) add(models, model, route.hostnames);
  }
  if (!inference) return null;
  return {
    models,
    baseModels: bases,
    mappings: new Map(Object.entries(baseModels)),
    catalogs,
    created: Math.floor(Date.now() / 1000),
  };
}

/**
 * The value of `x-gateway-base-model-name` for a request's model: the Gateway's ConfigMaps first, then the
 * pools' servers; '' when neither knows the name, as upstream's body-based router sets it.
 */
export function baseModelOf(inference: ListenerInference, model: string): string {
  const name = model.trim();
  const mapped = inference.mappings.get(name);
  if (mapped !== undefined) return mapped;
  for (const catalog of inference.catalogs) {
    const learned = catalog.baseModels.get(name);
    if (learned !== undefined) return learned;
  }
  return '';
}

/** The OpenAI model list for a request to `host`, or null when the listener names no model for it. */
export function modelList(inference: ListenerInference, host: string): string | null {
  const data: { id: string; object: 'model'; created: number; owned_by: string }[] = [];
  const list = (id: string) => {
    if (!data.some((entry) => entry.id === id))
      data.push({ id, object: 'model', created: inference.created, owned_by: 'sluice' });
  };
  for (const model of inference.models) if (servesHost(model, host)) list(model.id);
  const bases = inference.baseModels.filter((base) => servesHost(base, host)).map((base) => base.id);
  if (bases.length > 0) {
    const names = [
      ...inference.mappings.keys(),
      ...inference.catalogs.flatMap((catalog) => [...catalog.baseModels.keys()]),
    ];
    for (const name of names) if (bases.includes(baseModelOf(inference, name))) list(name);
  }
  return data.length === 0 ? null : JSON.stringify({ object: 'list', data });
}

function headerMatches(route: IRRoute, name: string): IRValueMatch[] {
  return route.match.headers.filter((header) => header.name.toLowerCase() === name);
}

function servesHost(model: ServedModel, host: string): boolean {
  return (
    model.hostnames.length === 0 ||
    model.hostnames.some((pattern) => hostnameMatches(pattern.toLowerCase(), host))
  );
}

function sameHostnames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}
