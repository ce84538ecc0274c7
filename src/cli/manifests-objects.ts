// The objects that install Sluice in a cluster, for chosen options: what `sluice manifests` prints and
// what the kustomize base in deploy/ is generated from.

import type { KubeObject } from '../resources/object.ts';
import { CONTROLLER_NAME } from '../translate/types.ts';
import { sluiceVersion } from '../version.ts';
import { clusterRules, leaderElectionRules } from './manifests-rbac.ts';

export type ServiceType = 'LoadBalancer' | 'NodePort' | 'ClusterIP';

export interface InstallOptions {
  namespace: string;
  image: string;
  /** The Deployment's replicas, or the autoscaler's minimum when `hpa` is set. */
  replicas: number;
  /** Scale with CPU between `replicas` and `maxReplicas` (the Deployment then leaves replicas to it). */
  hpa?: { maxReplicas: number };
  /** Name of the GatewayClass that hands Gateways to Sluice. */
  gatewayClass: string;
  /** Gateway listener ports the Service exposes; each is bound in the Pod as written. */
  listenerPorts: number[];
  serviceType: ServiceType;
}

/** A manifest: a Kubernetes object with whatever fields its kind has. */
export interface InstallObject extends KubeObject {
  [field: string]: unknown;
}

/** The name of the Deployment, Service, ServiceAccount and the rest of an install. */
export const installName = 'sluice';
/** The autoscaler's maximum unless chosen. */
export const defaultMaxReplicas = 10;
const leaderElection = 'sluice-leader-election';
const leaseName = 'sluice-leader';
/** The admin API (probes, metrics) inside the Pod; not exposed by the Service. */
const adminPort = 9901;
/** The UID and GID of the `node` user of the node image the Dockerfile builds on. */
const nonRootId = 1000;

const selector = { 'app.kubernetes.io/name': installName };

export function defaultInstallOptions(): InstallOptions {
  return {
    namespace: 'sluice-system',
    image: `ghcr.io/sluice-dev/sluice:${sluiceVersion}`,
    replicas: 2,
    gatewayClass: 'sluice',
    listenerPorts: [80, 443],
    serviceType: 'LoadBalancer',
  };
}

function metadata(objectName: string, namespace?: string) {
  return {
    name: objectName,
    ...(namespace !== undefined && { namespace }),
    labels: { ...selector, 'app.kubernetes.io/version': sluiceVersion },
  };
}

/** Service and container port names are DNS labels of at most 15 characters. */
function listenerPortName(port: number): string {
  return `listener-${port}`;
}

function deployment(options: InstallOptions): InstallObject {
  const container = {
    name: installName,
    image: options.image,
    args: [
      'serve',
      '--kubernetes',
      // Probes and metrics scrapes come from outside the Pod; the Service does not expose this port.
      `--admin-address=0.0.0.0:${adminPort}`,
      // Gateways without spec.addresses listen on every Pod address, reached through the Service.
      '--default-address=0.0.0.0',
      `--lease-name=${leaseName}`,
      // Gateways report the install's Service as their address, the one clients use. A bare name is
      // looked up in the Pod's own namespace, so it stays right when an overlay moves the install.
      `--gateway-service=${installName}`,
      // The install serves the GatewayClass it creates, so a second install under another class name
      // shares the cluster without serving the first one's Gateways.
      `--gateway-class=${options.gatewayClass}`,
    ],
    env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    ports: [
      ...options.listenerPorts.map((port) => ({
        name: listenerPortName(port),
        containerPort: port,
        protocol: 'TCP',
      })),
      { name: 'admin', containerPort: adminPort, protocol: 'TCP' },
    ],
    readinessProbe: { httpGet: { path: '/readyz', port: 'admin' }, periodSeconds: 5 },
    livenessProbe: { httpGet: { path: '/healthz', port: 'admin' }, periodSeconds: 10, failureThreshold: 3 },
    // The Service keeps sending new connections until the endpoint removal has propagated.
    lifecycle: { preStop: { sleep: { seconds: 5 } } },
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(installName, options.namespace),
    spec: {
      // With an autoscaler the replica count is its to set; a count here would fight it on every apply.
      ...(options.hpa === undefined && { replicas: options.replicas }),
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: metadata(installName).labels,
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(adminPort),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          serviceAccountName: installName,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: nonRootId,
            runAsGroup: nonRootId,
            seccompProfile: { type: 'RuntimeDefault' },
            // Lets the non-root process bind Gateway listener ports below 1024 in its own network
            // namespace, with no capability; a namespaced sysctl Kubernetes counts as safe.
            sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
          },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector },
            },
          ],
          containers: [container],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

function service(options: InstallOptions): InstallObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(installName, options.namespace),
    spec: {
      type: options.serviceType,
      selector,
      ports: options.listenerPorts.map((port) => ({
        name: listenerPortName(port),
        port,
        targetPort: port,
        protocol: 'TCP',
      })),
    },
  };
}

function rbac(options: InstallOptions): InstallObject[] {
  const subjects = [{ kind: 'ServiceAccount', name: installName, namespace: options.namespace }];
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: metadata(installName),
      rules: clusterRules(),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: metadata(installName),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: installName },
      subjects,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: metadata(leaderElection, options.namespace),
      rules: leaderElectionRules(leaseName),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: metadata(leaderElection, options.namespace),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: leaderElection },
      subjects,
    },
  ];
}

function autoscaler(options: InstallOptions, maxReplicas: number): InstallObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: metadata(installName, options.namespace),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: installName },
      minReplicas: options.replicas,
      maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    },
  };
}

/** Every object of an install, in the order they can be applied (the GatewayClass needs the Gateway API CRDs). */
export function installObjects(options: InstallOptions): InstallObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        ...metadata(options.namespace),
        labels: {
          ...metadata(options.namespace).labels,
          // The Pod meets the restricted Pod Security Standard; the namespace holds it to that, and
          // `kubectl apply` warns at once about an edit that breaks it.
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: metadata(installName, options.namespace),
    },
    ...rbac(options),
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: metadata(options.gatewayClass),
      spec: { controllerName: CONTROLLER_NAME, description: 'Gateways served by Sluice' },
    },
    service(options),
    deployment(options),
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: metadata(installName, options.namespace),
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
    },
    ...(options.hpa ? [autoscaler(options, options.hpa.maxReplicas)] : []),
  ];
}
