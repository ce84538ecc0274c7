// The objects the Kubernetes end-to-end tests apply: Sluice's GatewayClass and a Gateway, routes, and
// Services whose EndpointSlices point at echo servers on 127.0.0.1.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
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

/** The RBAC that docs/kubernetes.md tells users to grant, read from the page so the page stays true. */
export async function documentedRbac(): Promise<string> {
  const page = await readFile(join(import.meta.dirname, '..', '..', 'docs', 'kubernetes.md'), 'utf8');
  const section = page.slice(page.indexOf('## Permissions'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('docs/kubernetes.md has no RBAC block under "## Permissions"');
  return block[1];
}
