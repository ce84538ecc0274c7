// The conformance base fixtures that live outside manifests: echo "pods" and EndpointSlices.
//
// Upstream runs echo-basic Deployments in a cluster. Here every pod is an in-process echo server on
// its own loopback address (its "pod IP"), all on the same ports, so an EndpointSlice can list several
// pods under one port exactly as Kubernetes' EndpointSlice controller writes it.

import { type EchoServer, startEchoServer } from '../../../src/sim/echo.ts';
import { type GrpcEchoServer, startGrpcEchoServer } from '../../../src/sim/echo-grpc.ts';
import type { TlsOptions } from '../../../src/sim/echo-tls.ts';
import type { Manifest } from './manifest-store.ts';

export const infraNamespace = 'gateway-conformance-infra';
export const appBackendNamespace = 'gateway-conformance-app-backend';
export const webBackendNamespace = 'gateway-conformance-web-backend';

/** A file an echo-basic container reads from a mounted Secret or ConfigMap. */
export interface MountedFile {
  kind: 'Secret' | 'ConfigMap';
  name: string;
  /** The data key. */
  key: string;
}

/** An echo-basic Deployment: its pods are labelled `app: <name>`. */
export interface EchoDeployment {
  name: string;
  namespace: string;
  replicas: number;
  /** GRPC_ECHO_SERVER: the pods answer gRPC on their HTTP port. */
  grpc?: boolean;
  /** TLS_SERVER_CERT and TLS_SERVER_PRIVKEY (and TLS_CLIENT_CACERTS): the pods serve HTTPS as well. */
  https?: { cert: MountedFile; key: MountedFile; clientCa?: MountedFile };
}

/** Reads a mounted file's content, as a kubelet would from the object in the pod's namespace. */
export type MountReader = (namespace: string, file: MountedFile) => string | undefined;

/** The serving certificate and key of a `kubernetes.io/tls` Secret, as upstream mounts them. */
function servingSecret(name: string): EchoDeployment['https'] {
  return { cert: { kind: 'Secret', name, key: 'tls.crt' }, key: { kind: 'Secret', name, key: 'tls.key' } };
}

/** The echo Deployments of upstream `conformance/base/manifests.yaml` (all but tcp-backend). */
const deployments: EchoDeployment[] = [
  { name: 'infra-backend-v1', namespace: infraNamespace, replicas: 2 },
  { name: 'infra-backend-v2', namespace: infraNamespace, replicas: 2 },
  { name: 'infra-backend-v3', namespace: infraNamespace, replicas: 1 },
  {
    name: 'tls-backend',
    namespace: infraNamespace,
    replicas: 1,
    https: servingSecret('tls-checks-certificate'),
  },
  {
    name: 'tls-backend-2',
    namespace: infraNamespace,
    replicas: 1,
    https: servingSecret('tls-checks-certificate'),
  },
  {
    name: 'tls-backend',
    namespace: appBackendNamespace,
    replicas: 1,
    https: servingSecret('tls-passthrough-checks-certificate'),
  },
  { name: 'app-backend-v1', namespace: appBackendNamespace, replicas: 2 },
  { name: 'app-backend-v2', namespace: appBackendNamespace, replicas: 2 },
  { name: 'web-backend', namespace: webBackendNamespace, replicas: 2 },
  { name: 'grpc-infra-backend-v1', namespace: infraNamespace, replicas: 2, grpc: true },
  { name: 'grpc-infra-backend-v2', namespace: infraNamespace, replicas: 2, grpc: true },
  { name: 'grpc-infra-backend-v3', namespace: infraNamespace, replicas: 2, grpc: true },
];

/** The echo container ports upstream's manifests use (HTTP_PORT, H2C_PORT, HTTPS_PORT); manifests name the pods' ports so. */
const echoContainerPort = 3000;
const echoH2cContainerPort = 3001;
const echoHttpsContainerPort = 8443;

/** What the EndpointSlice controller needs to know of a pod. */
export interface PodIdentity {
  name: string;
  namespace: string;
  /** `app: <deployment>`, what the base Services select on. */
  labels: Record<string, string>;
  ip: string;
}

/** A pod of echo-basic in HTTP mode (and HTTPS, when its Deployment says so). */
export interface Pod extends PodIdentity {
  echo: EchoServer;
}

/** A pod of echo-basic in gRPC mode. */
export interface GrpcPod extends PodIdentity {
  grpc: GrpcEchoServer;
}

export interface Backends {
  pods: Pod[];
  grpcPods: GrpcPod[];
  /**
   * Upstream's container port → the one port every pod really listens on for it: the EndpointSlice
   * port and the Services' targetPort.
   */
  containerPorts: ReadonlyMap<number, number>;
  /** Starts the pods of a Deployment that a test's manifests add. */
  deploy(deployment: EchoDeployment): Promise<void>;
  close(): Promise<void>;
}

/** Starts every pod of the base Deployments, the `i`-th pod on `podAddress(i)`. */
export function startBackends(podAddress: (index: number) => string, mounts: MountReader): Promise<Backends> {
  return startPodsOnSharedPorts('echo backends', () => new EchoPods(podAddress, mounts), deployments);
}

/**
 * Starts the pods of `deployments` in a fresh set from `create`. The first pod that serves a container port
 * picks a free port, which every other pod must then get on its own address; when one of those is taken
 * there, everything starts again on new ports.
 */
export async function startPodsOnSharedPorts<
  Deployment,
  Pods extends { deploy(deployment: Deployment): Promise<void>; close(): Promise<void> },
>(what: string, create: () => Pods, deployments: readonly Deployment[]): Promise<Pods> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const pods = create();
    try {
      for (const deployment of deployments) await pods.deploy(deployment);
      return pods;
    } catch (error) {
      lastError = error;
      await pods.close();
    }
  }
  throw new Error(`could not start the ${what}: ${String(lastError)}`);
}

class EchoPods implements Backends {
  readonly pods: Pod[] = [];
  readonly grpcPods: GrpcPod[] = [];
  readonly #podAddress: (index: number) => string;
  readonly #mounts: MountReader;
  // 0 until the first pod that serves the port has picked one.
  readonly #ports = new Map([
    [echoContainerPort, 0],
    [echoH2cContainerPort, 0],
    [echoHttpsContainerPort, 0],
  ]);

  constructor(podAddress: (index: number) => string, mounts: MountReader) {
    this.#podAddress = podAddress;
    this.#mounts = mounts;
  }

  get containerPorts(): ReadonlyMap<number, number> {
    return this.#ports;
  }

  async deploy(deployment: EchoDeployment): Promise<void> {
    const https = deployment.https && this.#tlsOptions(deployment.namespace, deployment.https);
    const replicaSetHash = kubernetesSuffix(10);
    for (let replica = 0; replica < deployment.replicas; replica++) {
      const identity = {
        name: `${deployment.name}-${replicaSetHash}-${kubernetesSuffix(5)}`,
        namespace: deployment.namespace,
        labels: { app: deployment.name },
        ip: this.#podAddress(this.pods.length + this.grpcPods.length),
      };
      const options = { host: identity.ip, pod: identity.name, namespace: identity.namespace };
      const port = this.#port(echoContainerPort);
      if (deployment.grpc) {
        const grpc = await startGrpcEchoServer({ ...options, port });
        this.#ports.set(echoContainerPort, grpc.port);
        this.grpcPods.push({ ...identity, grpc });
        continue;
      }
      const echo = await startEchoServer({
        ...options,
        port,
        h2cPort: this.#port(echoH2cContainerPort),
        ...(https ? { https: { ...https, port: this.#port(echoHttpsContainerPort) } } : {}),
      });
      this.#ports.set(echoContainerPort, echo.port);
      this.#ports.set(echoH2cContainerPort, echo.h2cPort ?? 0);
      if (echo.httpsPort !== undefined) this.#ports.set(echoHttpsContainerPort, echo.httpsPort);
      this.pods.push({ ...identity, echo });
    }
  }

  #port(containerPort: number): number {
    return this.#ports.get(containerPort) ?? 0;
  }

  #tlsOptions(namespace: string, https: NonNullable<EchoDeployment['https']>): Omit<TlsOptions, 'port'> {
    const read = (file: MountedFile) => {
      const content = this.#mounts(namespace, file);
      if (content === undefined) {
        throw new Error(`${file.kind} ${namespace}/${file.name} has no key ${file.key} to mount`);
      }
      return content;
    };
    const clientCaPem = https.clientCa && read(https.clientCa);
    return { certPem: read(https.cert), keyPem: read(https.key), ...(clientCaPem ? { clientCaPem } : {}) };
  }

  async close(): Promise<void> {
    await Promise.all([
      ...this.pods.map((pod) => pod.echo.close()),
      ...this.grpcPods.map((pod) => pod.grpc.close()),
    ]);
  }
}

// Kubernetes' name suffix alphabet (no vowels, no confusable digits).
const suffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function kubernetesSuffix(length: number): string {
  return Array.from({ length }, () => suffixAlphabet[Math.floor(Math.random() * suffixAlphabet.length)]).join(
    '',
  );
}

/**
 * Points a Service's targetPorts or an EndpointSlice's ports that are upstream container ports (3000,
 * 3001, 8443) at the ports the echo pods really listen on, in place.
 */
export function mapContainerPorts(object: Manifest, containerPorts: ReadonlyMap<number, number>): void {
  const ports =
    object.kind === 'Service'
      ? recordOf(object.spec).ports
      : object.kind === 'EndpointSlice'
        ? object.ports
        : [];
  const field = object.kind === 'Service' ? 'targetPort' : 'port';
  for (const entry of Array.isArray(ports) ? ports : []) {
    const port = recordOf(entry);
    const mapped = typeof port[field] === 'number' ? containerPorts.get(port[field]) : undefined;
    if (mapped !== undefined) port[field] = mapped;
  }
}

/** What Kubernetes' EndpointSlice controller writes for a Service with a selector. */
export function endpointSliceFor(service: Manifest, pods: PodIdentity[]): Manifest | undefined {
  const spec = recordOf(service.spec);
  const selector = recordOf(spec.selector);
  if (Object.keys(selector).length === 0) return undefined;
  const namespace = service.metadata.namespace;
  const selected = pods.filter(
    (pod) =>
      pod.namespace === namespace &&
      Object.entries(selector).every(([key, value]) => pod.labels[key] === value),
  );
  const ports = (Array.isArray(spec.ports) ? spec.ports : []).map((entry: unknown) => {
    const port = recordOf(entry);
    return {
      name: typeof port.name === 'string' ? port.name : '',
      port: typeof port.targetPort === 'number' ? port.targetPort : port.port,
      protocol: 'TCP',
      ...(typeof port.appProtocol === 'string' ? { appProtocol: port.appProtocol } : {}),
    };
  });
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${service.metadata.name}-${kubernetesSuffix(5)}`,
      namespace,
      labels: { 'kubernetes.io/service-name': service.metadata.name },
    },
    addressType: 'IPv4',
    endpoints: selected.map(endpointFor),
    ports,
  };
}

/** An EndpointSlice endpoint for a ready pod, as the controller (or the service-types test) writes it. */
export function endpointFor(pod: PodIdentity): Record<string, unknown> {
  return {
    addresses: [pod.ip],
    conditions: { ready: true, serving: true, terminating: false },
    targetRef: { kind: 'Pod', name: pod.name, namespace: pod.namespace },
  };
}

function recordOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
