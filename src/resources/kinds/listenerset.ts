// ListenerSet (gateway.networking.k8s.io/v1 in v1.6): listeners added to a parent Gateway that allows them in
// `spec.allowedListeners`; the listeners have the Gateway listener schema and CEL rules.

import {
  GATEWAY_GROUP,
  type ListenerSet,
  type ListenerSetSpec,
  type ParentGatewayReference,
} from '../gateway-api.ts';
import { group, kind, namespace, objectName } from '../gateway-shared.ts';
import { defineKind } from '../kind.ts';
import { dnsSubdomain } from '../names.ts';
import { dropped, object, withDefault } from '../schema.ts';
import { listenerList } from './listener.ts';

const parentRef = object<ParentGatewayReference>(
  {
    group: withDefault(group(), GATEWAY_GROUP),
    kind: withDefault(kind(), 'Gateway'),
    name: objectName(),
    namespace: namespace(),
  },
  { required: ['name'] },
);

const spec = object<ListenerSetSpec>(
  { parentRef, listeners: listenerList() },
  { required: ['parentRef', 'listeners'] },
);

export const listenerSetKind = defineKind<ListenerSet>({
  group: GATEWAY_GROUP,
  kind: 'ListenerSet',
  versions: ['v1'],
  namespaced: true,
  name: dnsSubdomain(),
  fields: { spec, status: dropped() },
  required: ['spec'],
});
