// ReferenceGrant: whether an object in one namespace may refer to an object in another.

import type { TranslateContext } from './context.ts';

export interface ReferenceFrom {
  group: string;
  kind: string;
  namespace: string;
}

export interface ReferenceTo {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** Same-namespace references are always allowed; others need a grant in the target namespace. */
export function referencePermitted(context: TranslateContext, from: ReferenceFrom, to: ReferenceTo): boolean {
  if (from.namespace === to.namespace) return true;
  return context.referenceGrants.some(
    (grant) =>
      grant.metadata.namespace === to.namespace &&
      grant.spec.from.some(
        (entry) =>
          entry.group === from.group && entry.kind === from.kind && entry.namespace === from.namespace,
      ) &&
      grant.spec.to.some(
        (entry) =>
          entry.group === to.group &&
          entry.kind === to.kind &&
          (entry.name === undefined || entry.name === to.name),
      ),
  );
}
