import { admissionCases } from '../testing.ts';

function gatewayClass(spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'sluice' }) {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata, spec };
}

admissionCases('GatewayClass', [
  {
    name: 'a controller, parameters and a description',
    manifest: gatewayClass({
      controllerName: 'sluice.dev/gateway-controller',
      parametersRef: { group: '', kind: 'ConfigMap', name: 'params', namespace: 'sluice' },
      description: 'the default class',
    }),
  },
  {
    name: 'v1beta1 is served too',
    manifest: {
      ...gatewayClass({ controllerName: 'a.b/c' }),
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
    },
  },
  {
    name: 'a controller name without a domain',
    manifest: gatewayClass({ controllerName: 'sluice' }),
    problems: [
      'spec.controllerName: invalid value "sluice": must be a domain-prefixed path such as "example.com/gateway-controller"',
    ],
  },
  {
    name: 'a long description',
    manifest: gatewayClass({ controllerName: 'a.b/c', description: 'x'.repeat(65) }),
    problems: ['spec.description: must be at most 64 characters, not 65'],
  },
  {
    name: 'parametersRef without kind',
    manifest: gatewayClass({ controllerName: 'a.b/c', parametersRef: { group: '', name: 'p' } }),
    problems: ['spec.parametersRef.kind: required field is missing'],
  },
  {
    name: 'cluster-scoped: a namespace is an error',
    manifest: gatewayClass({ controllerName: 'a.b/c' }, { name: 'sluice', namespace: 'default' }),
    problems: ['metadata.namespace: GatewayClass is cluster-scoped; remove metadata.namespace'],
  },
  {
    name: 'no spec',
    manifest: { ...gatewayClass({}), spec: undefined },
    problems: ['spec: required field is missing'],
  },
]);
