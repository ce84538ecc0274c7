// The objects the Kubernetes end-to-end tests apply: Sluice's GatewayClass and a Gateway, routes, Services
// whose EndpointSlices point at echo servers, InferencePools over Pods, and the install's RBAC.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { yamlDocuments } from '../../src/cli/manifests.ts';
import { deployDir } from '../../src/cli/manifests-base.ts';
import type { InstallObject } from '../../src/cli/manifests-objects.ts';
import type { EchoServer } from '../../src/sim/echo.ts';

export const sluiceClass = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: sluice
spec:
  controllerName: sluice.dev/gateway-controller
`;

/** A Gateway without spec.addresses: each replica binds its own --default-address. */
export function gateway(name: string, port: number, className = 'sluice'): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: ${name}
  namespace: default
spec:
  gatewayClassName: ${className}
  listeners:
    - name: http
      protocol: HTTP
      port: ${port}
      allowedRoutes:
        namespaces:
          from: All
`;
}

export function route(options: {
  name: string;
  namespace?: string;
  path: string;
  service: string;
  serviceNamespace?: string;
}): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${options.name}
  namespace: ${options.namespace ?? 'default'}
spec:
  parentRefs:
    - name: edge
      namespace: default
  rules:
    - matches:
        - path:
            type: PathPrefix
            value: ${options.path}
      backendRefs:
        - name: ${options.service}
          namespace: ${options.serviceNamespace ?? options.namespace ?? 'default'}
          port: 80
`;
}

/** A Service and its EndpointSlice, pointing at `echo`. */
export function backend(service: string, echo: EchoServer): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${service}
  namespace: default
spec:
  ports:
    - name: http
      port: 80
      targetPort: ${echo.port}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${service}-1
  namespace: default
  labels:
    kubernetes.io/service-name: ${service}
addressType: IPv4
endpoints:
  - addresses: [${echo.address}]
    conditions:
      ready: true
ports:
  - name: http
    port: ${echo.port}
    protocol: TCP
`;
}

/** An InferencePool of the Pods carrying `labels`, on `port`, optionally naming its picker ConfigMap. */
export function inferencePool(options: {
  name: string;
  labels: Record<string, string>;
  port: number;
  pickerConfig?: string;
}): string {
  const annotations = options.pickerConfig
    ? `\n  annotations:\n    sluice.dev/endpoint-picker-config: ${options.pickerConfig}`
    : '';
  const labels = Object.entries(options.labels)
    .map(([key, value]) => `\n        ${key}: ${value}`)
    .join('');
  return `apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata:
  name: ${options.name}
  namespace: default${annotations}
spec:
  selector:
    matchLabels:${labels}
  targetPorts:
    - number: ${options.port}
`;
}

/** An HTTPRoute on the Gateway `edge` sending everything under /v1 to the InferencePool `pool`. */
export function poolRoute(name: string, pool: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${name}
  namespace: default
spec:
  parentRefs:
    - name: edge
  rules:
    - matches:
        - path:
            type: PathPrefix
            value: /v1
      backendRefs:
        - group: inference.networking.k8s.io
          kind: InferencePool
          name: ${pool}
`;
}

/** A Pod as a workload controller would create it; its address comes later, through the status subresource. */
export function pod(name: string, labels: Record<string, string>): string {
  const lines = Object.entries(labels)
    .map(([key, value]) => `\n    ${key}: ${value}`)
    .join('');
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: default
  labels:${lines}
spec:
  containers:
    - name: model-server
      image: vllm/vllm-openai
`;
}

export function namespace(name: string): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
`;
}

/** Lets HTTPRoutes in `from` use Services in default. */
export function referenceGrant(name: string, from: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata:
  name: ${name}
  namespace: default
spec:
  from:
    - group: gateway.networking.k8s.io
      kind: HTTPRoute
      namespace: ${from}
  to:
    - group: ""
      kind: Service
`;
}

/**
 * The install's RBAC as deploy/rbac.yaml states it (the statement docs/kubernetes.md points to), granted
 * to the test bed's user `sluice` instead of the ServiceAccount, its leader-election Role in `default`
 * (where Sluice outside a Pod keeps its Lease).
 */
export async function installRbac(): Promise<string> {
  const text = await readFile(join(deployDir, 'rbac.yaml'), 'utf8');
  const objects = parseAllDocuments(text).map((document) => document.toJS() as InstallObject);
  for (const object of objects) {
    if ('subjects' in object) {
      object.subjects = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'sluice' }];
    }
    if (object.metadata.namespace !== undefined) object.metadata.namespace = 'default';
  }
  return yamlDocuments(objects);
}

/**
 * `kubectl` arguments that add another controller's parent entry (Gateway `theirs`, Accepted at
 * `observedGeneration`) to `resource`'s status, written the way that controller would.
 */
export function otherControllerParent(resource: string, observedGeneration: number): string[] {
  const theirs = {
    parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'theirs', namespace: 'default' },
    controllerName: 'example.com/other-controller',
    conditions: [
      {
        type: 'Accepted',
        status: 'True',
        reason: 'Accepted',
        message: '',
        observedGeneration,
        lastTransitionTime: '2025-01-01T00:00:00Z',
      },
    ],
  };
  return [
    'patch',
    resource,
    '--subresource=status',
    '--type=json',
    `-p=${JSON.stringify([{ op: 'add', path: '/status/parents/-', value: theirs }])}`,
  ];
}
