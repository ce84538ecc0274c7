// Namespace (core v1, cluster-scoped): carries labels for route attachment; `kubernetes.io/metadata.name` is
// set to the name, as the API server does.

import { NAMESPACE_NAME_LABEL, type Namespace } from '../core.ts';
import { defineKind } from '../kind.ts';
import { dnsLabel } from '../names.ts';
import { dropped, preserved } from '../schema.ts';

export const namespaceKind = defineKind<Namespace>({
  group: '',
  kind: 'Namespace',
  versions: ['v1'],
  namespaced: false,
  name: dnsLabel(),
  fields: { spec: preserved(), status: dropped() },
  normalize: (self) => {
    self.metadata.labels = { ...self.metadata.labels, [NAMESPACE_NAME_LABEL]: self.metadata.name };
  },
});
