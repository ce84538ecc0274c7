// /api/v1/objects: every object Sluice knows, Kubernetes-shaped, with the status Sluice writes.

import type { KubeObject } from '../resources/object.ts';
import { objectKey } from '../resources/object.ts';
import type { SnapshotEntry } from '../store/snapshot.ts';
import type { AdminRoutes } from './respond.ts';
import { json } from './respond.ts';

export interface ObjectSources {
  entries(): readonly SnapshotEntry[];
  status(key: string): Record<string, unknown> | undefined;
}

const REDACTED = '<redacted>';

/** Secret values never leave the process; their keys stay visible so references can be checked. */
function redactSecret(fields: Record<string, unknown>): Record<string, unknown> {
  const out = { ...fields };
  for (const field of ['data', 'stringData']) {
    const values = out[field];
    if (values !== null && typeof values === 'object') {
      out[field] = Object.fromEntries(Object.keys(values).map((key) => [key, REDACTED]));
    }
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function objectView(
  object: KubeObject,
  status: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const {
    apiVersion,
    kind,
    metadata,
    status: observedStatus,
    ...rest
  } = object as KubeObject & { status?: unknown };
  const fields = kind === 'Secret' && apiVersion === 'v1' ? redactSecret(rest) : rest;
  const view: Record<string, unknown> = {
    apiVersion,
    kind,
    metadata: {
      name: metadata.name,
      ...(metadata.namespace !== undefined && { namespace: metadata.namespace }),
      generation: metadata.generation,
      creationTimestamp: metadata.creationTimestamp,
      labels: metadata.labels ?? {},
      ...(metadata.annotations !== undefined && { annotations: metadata.annotations }),
    },
    ...fields,
  };
  // Objects Sluice does not write status for keep the status they came with (a Pod's IP and readiness).
  view.status = status ?? (isRecord(observedStatus) ? observedStatus : {});
  return view;
}

export function objectRoutes(sources: ObjectSources): AdminRoutes {
  return {
    '/api/v1/objects': (url) => {
      const kind = url.searchParams.get('kind')?.toLowerCase();
      const namespace = url.searchParams.get('namespace');
      const name = url.searchParams.get('name');
      const items = sources
        .entries()
        .filter(
          ({ object }) =>
            (kind === undefined || object.kind.toLowerCase() === kind) &&
            (namespace === null || object.metadata.namespace === namespace) &&
            (name === null || object.metadata.name === name),
        )
        .map(({ object }) => objectView(object, sources.status(objectKey(object))));
      return json({ items });
    },
  };
}
