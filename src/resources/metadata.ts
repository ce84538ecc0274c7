// The `metadata` schema every kind shares: name format per kind, the standalone namespace convention
// (namespaced objects default to `default`, cluster-scoped ones must not name one), labels and annotations.

import { annotations, dnsLabel, labels } from './names.ts';
import type { ObjectMeta } from './object.ts';
import { integer, type ObjectSchema, object, preserved, type StringSchema, string } from './schema.ts';

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export interface MetadataOptions {
  kind: string;
  namespaced: boolean;
  /** The name format the API server enforces for this kind. */
  name: StringSchema;
}

export function objectMeta({ kind, namespaced, name }: MetadataOptions): ObjectSchema {
  return object<ObjectMeta>(
    {
      name,
      namespace: namespaced ? dnsLabel({ default: 'default' }) : string(),
      labels: labels(),
      annotations: annotations(),
      generation: integer({ minimum: 0 }),
      creationTimestamp: string({
        rules: [
          (self, report) => {
            if (!rfc3339.test(self) || Number.isNaN(Date.parse(self))) {
              report('must be an RFC 3339 time such as "2025-01-31T12:00:00Z"');
            }
          },
        ],
      }),
      resourceVersion: string(),
      uid: string(),
      // Read-only or cluster-managed fields found in objects exported from a cluster: kept, not checked.
      generateName: preserved(),
      selfLink: preserved(),
      deletionTimestamp: preserved(),
      deletionGracePeriodSeconds: preserved(),
      ownerReferences: preserved(),
      finalizers: preserved(),
      managedFields: preserved(),
    },
    {
      required: ['name'],
      rules: namespaced
        ? []
        : [
            (self, report) => {
              if (self.namespace)
                report(`${kind} is cluster-scoped; remove metadata.namespace`, ['namespace']);
            },
          ],
      normalize: (self) => {
        if (self.namespace === '') delete self.namespace;
      },
    },
  );
}
