// The live endpoint set of one inference pool: the pool owner replaces the list, survivors keep their state.

import { type Endpoint, type EndpointSpec, endpointId, newEndpoint } from './endpoint.ts';

export type EndpointChangeListener = (added: readonly Endpoint[], removed: readonly Endpoint[]) => void;

export class EndpointStore {
  #byId = new Map<string, Endpoint>();
  #list: readonly Endpoint[] = [];
  #listeners = new Set<EndpointChangeListener>();

  /**
   * Replaces the endpoint set. An endpoint whose `address:port` was already known keeps its metrics,
   * in-flight counts and prefix-index entries (only its name and labels are refreshed), so a pool update
   * never resets what the picker learned about a pod that stayed.
   */
  setEndpoints(specs: readonly EndpointSpec[]): void {
    const next = new Map<string, Endpoint>();
    const added: Endpoint[] = [];
    for (const spec of specs) {
      const id = endpointId(spec.address, spec.port);
      if (next.has(id)) continue;
      const known = this.#byId.get(id);
      if (known === undefined) {
        const endpoint = newEndpoint(spec);
        next.set(id, endpoint);
        added.push(endpoint);
      } else {
        known.labels = { ...spec.labels };
        if (spec.name !== undefined) known.name = spec.name;
        next.set(id, known);
      }
    }
    const removed = [...this.#byId.values()].filter((endpoint) => !next.has(endpoint.id));
    this.#byId = next;
    this.#list = [...next.values()];
    if (added.length > 0 || removed.length > 0) {
      for (const listener of this.#listeners) listener(added, removed);
    }
  }

  get(id: string): Endpoint | undefined {
    return this.#byId.get(id);
  }

  /** The current endpoints, in the order the pool owner gave them; the array is not copied per call. */
  list(): readonly Endpoint[] {
    return this.#list;
  }

  get size(): number {
    return this.#byId.size;
  }

  /** Calls `listener` after every change of membership; returns a function that unsubscribes. */
  onChange(listener: EndpointChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
