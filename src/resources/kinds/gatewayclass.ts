// GatewayClass (gateway.networking.k8s.io, cluster-scoped): schema of the v1.6 standard channel CRD.

import { GATEWAY_GROUP, type GatewayClass, type GatewayClassSpec } from '../gateway-api.ts';
import { group, kind, namespace, objectName } from '../gateway-shared.ts';
import { defineKind } from '../kind.ts';
import { dnsSubdomain } from '../names.ts';
import { dropped, object, string } from '../schema.ts';

const spec = object<GatewayClassSpec>(
  {
    controllerName: string({
      minLength: 1,
      maxLength: 253,
      pattern:
        /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/,
      patternMeans: 'a domain-prefixed path such as "example.com/gateway-controller"',
    }),
    parametersRef: object<NonNullable<GatewayClassSpec['parametersRef']>>(
      { group: group(), kind: kind(), name: objectName(), namespace: namespace() },
      { required: ['group', 'kind', 'name'] },
    ),
    description: string({ maxLength: 64 }),
  },
  { required: ['controllerName'] },
);

export const gatewayClassKind = defineKind<GatewayClass>({
  group: GATEWAY_GROUP,
  kind: 'GatewayClass',
  versions: ['v1', 'v1beta1'],
  namespaced: false,
  name: dnsSubdomain(),
  fields: { spec, status: dropped() },
  required: ['spec'],
});
