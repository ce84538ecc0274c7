// What every picker shares: the `maxNumOfEndpoints` parameter and a uniform shuffle for tie-breaking.

import type { Params } from '../params.ts';

/** How many endpoints a picker returns by default: the primary only, as upstream pickers do. */
export const defaultMaxNumOfEndpoints = 1;

export function maxNumOfEndpoints(parameters: Params, type: string): number {
  const count = parameters.integer('maxNumOfEndpoints', defaultMaxNumOfEndpoints, 1);
  parameters.done(type);
  return count;
}

/** Fisher–Yates, in place. */
export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
