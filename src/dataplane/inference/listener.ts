// What a listener with inference routes knows, compiled once per IR: that its inference requests are read
// before route matching, and which model names it serves (its `GET /v1/models` answer).

import { inferenceHeaders } from '../../inference/requestcontrol/headers.ts';
import { hostnameMatches } from '../../ir/hostname.ts';
import type { IRRoute } from '../../ir/types.ts';
import type { PoolRuntime } from './pools.ts';

export interface ServedModel {
  id: string;
  /** Route hostnames it is served under; empty: every host of the listener. */
  hostnames: readonly string[];
}

export interface ListenerInference {
  models: readonly ServedModel[];
  /** `created` of the listed models: when this IR was compiled, in Unix seconds. */
  created: number;
}

/**
 * Null for a listener whose routes neither send to an InferencePool nor match on the model name: its
 * requests keep the streaming path. Served models are the exact `x-gateway-model-name` values routes
 * match on, plus the names pools rewrite on routes that take any model.
 */
export function compileListenerInference(
  routes: readonly IRRoute[],
  pools: ReadonlyMap<string, Pick<PoolRuntime, 'rewrites'>>,
): ListenerInference | null {
  let inference = false;
  const models: ServedModel[] = [];
  const add = (id: string, hostnames: readonly string[]) => {
    if (!models.some((model) => model.id === id && sameHostnames(model.hostnames, hostnames)))
      models.push({ id, hostnames });
  };
  for (const route of routes) {
    const named = route.match.headers.filter(
      (header) => header.name.toLowerCase() === inferenceHeaders.modelName,
    );
    const poolIds = route.backends.flatMap(({ target }) => (target.kind === 'pool' ? [target.pool] : []));
    if (named.length === 0 && poolIds.length === 0) continue;
    inference = true;
    for (const header of named) if (header.type === 'Exact') add(header.value, route.hostnames);
    if (named.length > 0) continue;
    for (const id of poolIds)
      for (const rewrite of pools.get(id)?.rewrites ?? [])
        for (const model of rewrite.models ?? []) add(model, route.hostnames);
  }
  return inference ? { models, created: Math.floor(Date.now() / 1000) } : null;
}

/** The OpenAI model list for a request to `host`, or null when the listener names no model for it. */
export function modelList(inference: ListenerInference, host: string): string | null {
  const data: { id: string; object: 'model'; created: number; owned_by: string }[] = [];
  for (const model of inference.models) {
    if (data.some((entry) => entry.id === model.id)) continue;
    if (
      model.hostnames.length > 0 &&
      !model.hostnames.some((pattern) => hostnameMatches(pattern.toLowerCase(), host))
    )
      continue;
    data.push({ id: model.id, object: 'model', created: inference.created, owned_by: 'sluice' });
  }
  return data.length === 0 ? null : JSON.stringify({ object: 'list', data });
}

function sameHostnames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}
