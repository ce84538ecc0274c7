// ReferenceGrant (gateway.networking.k8s.io): which kinds in other namespaces may refer to objects in this one.

import {
  GATEWAY_GROUP,
  type ReferenceGrant,
  type ReferenceGrantFrom,
  type ReferenceGrantTo,
} from '../gateway-api.ts';
import { group, kind, namespace, objectName } from '../gateway-shared.ts';
import { defineKind } from '../kind.ts';
import { dnsSubdomain } from '../names.ts';
import { array, object } from '../schema.ts';

const from = object<ReferenceGrantFrom>(
  { group: group(), kind: kind(), namespace: namespace() },
  { required: ['group', 'kind', 'namespace'] },
);

const to = object<ReferenceGrantTo>(
  { group: group(), kind: kind(), name: objectName() },
  { required: ['group', 'kind'] },
);

const spec = object<ReferenceGrant['spec']>(
  {
    from: array(from, { minItems: 1, maxItems: 16 }),
    to: array(to, { minItems: 1, maxItems: 16 }),
  },
  { required: ['from', 'to'] },
);

export const referenceGrantKind = defineKind<ReferenceGrant>({
  group: GATEWAY_GROUP,
  kind: 'ReferenceGrant',
  versions: ['v1', 'v1beta1'],
  namespaced: true,
  name: dnsSubdomain(),
  fields: { spec },
  required: ['spec'],
});
