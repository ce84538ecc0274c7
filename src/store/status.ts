// The status writer: stamps `lastTransitionTime` on the translator's conditions and holds the current
// status of every object, exactly what Kubernetes mode writes to the status subresource.

import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../resources/object.ts';
import type { ObjectStatus } from '../translate/types.ts';

export interface WrittenStatus {
  object: KubeObject;
  /** The status with every condition's `lastTransitionTime` set. */
  status: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Which element of a status list an element stands for across writes: listeners by `name`, route and
 * policy parents by `parentRef` (and controller), anything else by position.
 */
function identity(element: unknown, index: number): string {
  if (isRecord(element)) {
    if (typeof element.name === 'string') return `name:${element.name}`;
    if (element.parentRef !== undefined) {
      return `parent:${JSON.stringify(element.parentRef)}:${String(element.controllerName ?? '')}`;
    }
    if (element.ancestorRef !== undefined) {
      return `ancestor:${JSON.stringify(element.ancestorRef)}:${String(element.controllerName ?? '')}`;
    }
  }
  return `index:${index}`;
}

const conditionFields = ['type', 'status', 'reason', 'message', 'observedGeneration'] as const;

function stampConditions(next: unknown[], previous: unknown, now: string): unknown[] {
  const before = Array.isArray(previous) ? previous.filter(isRecord) : [];
  return next.map((condition) => {
    if (!isRecord(condition)) return condition;
    const earlier = before.find((candidate) => candidate.type === condition.type);
    const unchanged =
      earlier !== undefined &&
      typeof earlier.lastTransitionTime === 'string' &&
      conditionFields.every((field) => earlier[field] === condition[field]);
    return { ...condition, lastTransitionTime: unchanged ? earlier.lastTransitionTime : now };
  });
}

/** Walks `next` beside the previous status and stamps every `conditions` list found in it. */
function stamp(next: unknown, previous: unknown, now: string, field?: string): unknown {
  if (Array.isArray(next)) {
    if (field === 'conditions') return stampConditions(next, previous, now);
    const before = new Map<string, unknown>();
    if (Array.isArray(previous)) {
      for (const [index, element] of previous.entries()) before.set(identity(element, index), element);
    }
    return next.map((element, index) => stamp(element, before.get(identity(element, index)), now));
  }
  if (isRecord(next)) {
    const earlier = isRecord(previous) ? previous : {};
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(next)) out[key] = stamp(value, earlier[key], now, key);
    return out;
  }
  return next;
}

export class StatusWriter {
  readonly #clock: () => Date;
  #current = new Map<string, WrittenStatus>();

  constructor(clock: () => Date = () => new Date()) {
    this.#clock = clock;
  }

  /**
   * Takes the translator's full status set. Objects missing from it lose their status. Returns the
   * keys whose written status changed (what a Kubernetes status writer would patch).
   */
  write(updates: ReadonlyMap<string, ObjectStatus>): string[] {
    const now = this.#clock().toISOString();
    const next = new Map<string, WrittenStatus>();
    const changed: string[] = [];
    for (const [key, update] of updates) {
      const previous = this.#current.get(key);
      const status = stamp(update.status, previous?.status, now) as Record<string, unknown>;
      if (previous && isDeepStrictEqual(previous.status, status)) {
        next.set(key, { object: update.object, status: previous.status });
        continue;
      }
      next.set(key, { object: update.object, status });
      changed.push(key);
    }
    for (const key of this.#current.keys()) if (!next.has(key)) changed.push(key);
    this.#current = next;
    return changed;
  }

  /** The current status of `kind/namespace/name`, if this controller reports one. */
  get(key: string): Record<string, unknown> | undefined {
    return this.#current.get(key)?.status;
  }

  entries(): IterableIterator<[string, WrittenStatus]> {
    return this.#current.entries();
  }
}
