// How Sluice's status goes into an object's live status without trampling anyone else's: route and
// policy parent entries of other controllers stay, top-level conditions merge by type, and a condition
// that did not change keeps the lastTransitionTime the API server already holds.

import { isPlainObject } from '../../resources/check.ts';

type Status = Record<string, unknown>;

/** Status lists whose entries belong to one controller each (routes, policies, InferencePools). */
const parentLists = new Set(['parents', 'ancestors']);

const conditionFields = ['type', 'status', 'reason', 'message', 'observedGeneration'] as const;

function refOf(entry: Status): unknown {
  return entry.parentRef ?? entry.ancestorRef;
}

/**
 * Whether a parent entry is Sluice's: it names Sluice's controller, or (for kinds whose entries carry no
 * controllerName, such as InferencePool) it stands for a parent Sluice reports on.
 */
function isOwnEntry(entry: unknown, controllerName: string, ownRefs: readonly string[]): boolean {
  if (!isPlainObject(entry)) return false;
  if (typeof entry.controllerName === 'string') return entry.controllerName === controllerName;
  return ownRefs.includes(JSON.stringify(refOf(entry)));
}

/** Which live list element an element of Sluice's status stands for. */
function sameElement(a: unknown, b: unknown): boolean {
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  if (typeof a.name === 'string') return a.name === b.name;
  const ref = refOf(a);
  if (ref === undefined) return false;
  return JSON.stringify(ref) === JSON.stringify(refOf(b)) && a.controllerName === b.controllerName;
}

/** `desired` with the live lastTransitionTime of every condition that did not change. */
function keepTransitionTimes(desired: unknown, live: unknown, field?: string): unknown {
  if (Array.isArray(desired)) {
    const before = Array.isArray(live) ? live : [];
    if (field === 'conditions') {
      return desired.map((condition) => {
        const earlier = before.find(
          (candidate) =>
            isPlainObject(candidate) && isPlainObject(condition) && candidate.type === condition.type,
        );
        const unchanged =
          isPlainObject(condition) &&
          isPlainObject(earlier) &&
          typeof earlier.lastTransitionTime === 'string' &&
          conditionFields.every((name) => earlier[name] === condition[name]);
        return unchanged ? { ...condition, lastTransitionTime: earlier.lastTransitionTime } : condition;
      });
    }
    return desired.map((element) =>
      keepTransitionTimes(
        element,
        before.find((candidate) => sameElement(element, candidate)),
      ),
    );
  }
  if (isPlainObject(desired)) {
    const earlier = isPlainObject(live) ? live : {};
    return Object.fromEntries(
      Object.entries(desired).map(([key, value]) => [key, keepTransitionTimes(value, earlier[key], key)]),
    );
  }
  return desired;
}

/** Live conditions of other types stay, in place; Sluice's replace theirs by type or are appended. */
function mergeConditions(live: unknown, desired: unknown[]): unknown[] {
  const kept = keepTransitionTimes(desired, live, 'conditions') as unknown[];
  const byType = new Map(kept.filter(isPlainObject).map((condition) => [condition.type, condition]));
  const merged = (Array.isArray(live) ? live : []).map((condition) => {
    if (!isPlainObject(condition) || !byType.has(condition.type)) return condition;
    const mine = byType.get(condition.type);
    byType.delete(condition.type);
    return mine;
  });
  return [...merged, ...byType.values()];
}

function mergeParents(live: unknown, desired: unknown[], controllerName: string): unknown[] {
  const before = Array.isArray(live) ? live : [];
  const ownRefs = desired.filter(isPlainObject).map((entry) => JSON.stringify(refOf(entry)));
  const others = before.filter((entry) => !isOwnEntry(entry, controllerName, ownRefs));
  return [...others, ...(keepTransitionTimes(desired, before) as unknown[])];
}

/**
 * The live status with Sluice's part replaced by `desired`. When Sluice reports nothing for the object
 * (`desired` undefined), only its own parent entries are taken out; the rest is not Sluice's to touch.
 */
export function mergeStatus(live: unknown, desired: Status | undefined, controllerName: string): Status {
  const current: Status = isPlainObject(live) ? { ...live } : {};
  if (desired === undefined) {
    for (const field of parentLists) {
      const entries = current[field];
      if (Array.isArray(entries))
        current[field] = entries.filter((entry) => !isOwnEntry(entry, controllerName, []));
    }
    return current;
  }
  for (const [field, value] of Object.entries(desired)) {
    if (parentLists.has(field) && Array.isArray(value)) {
      current[field] = mergeParents(current[field], value, controllerName);
    } else if (field === 'conditions' && Array.isArray(value)) {
      current[field] = mergeConditions(current[field], value);
    } else {
      current[field] = keepTransitionTimes(value, current[field], field);
    }
  }
  return current;
}
