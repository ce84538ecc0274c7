// The model servers of the Inference Extension conformance base: every container of an echo-basic Deployment
// is an in-process echo server (src/sim/echo.ts) on its pod's own loopback address, and each pod becomes the
// Pod object an InferencePool selects (labels, podIP, Ready), as a cluster's Deployment controller and
// kubelet would make it.
//
// Upstream's containers listen on fixed ports (3000, 3002, 3004 and their h2c twins 3001, 3003, 3005). Here
// the first pod that serves a container port picks a free port and every other pod serves that port on its
// own address, so one number still means one port across pods; `port` and `containerPort` translate.

import { type EchoServer, startEchoServer } from '../../../src/sim/echo.ts';
import { kubernetesSuffix, startPodsOnSharedPorts } from '../../conformance/harness/fixtures.ts';
import type { Manifest } from '../../conformance/harness/manifest-store.ts';

/** echo-basic's HTTP_PORT when its environment names none. */
const defaultHttpPort = 3000;

export interface ModelServerPod {
  name: string;
  namespace: string;
  /** The pod template's labels: what InferencePool selectors match. */
  labels: Record<string, string>;
  ip: string;
  /** One echo server per container. */
  servers: EchoServer[];
}

/** What one echo-basic container of a pod template asks for. */
interface EchoContainer {
  name: string;
  image: string;
  /** HTTP_PORT and, when set, H2C_PORT: upstream container ports. */
  httpPort: number;
  h2cPort: number | undefined;
}

export class ModelServers {
  readonly pods: ModelServerPod[] = [];
  /** Pod objects for the pods started so far. */
  readonly podObjects: Manifest[] = [];
  readonly #podAddress: (index: number) => string;
  /** Upstream container port → the port every pod really serves it on. */
  readonly #ports = new Map<number, number>();

  constructor(podAddress: (index: number) => string) {
    this.#podAddress = podAddress;
  }

  /** The port pods really serve an upstream container port on. */
  port(containerPort: number): number {
    const port = this.#ports.get(containerPort);
    if (port === undefined) throw new Error(`no pod serves container port ${containerPort}`);
    return port;
  }

  /** The upstream container port a real port stands for. */
  containerPort(port: number): number | undefined {
    for (const [containerPort, real] of this.#ports) if (real === port) return containerPort;
    return undefined;
  }

  /** The real port of an upstream container port, or the number itself when no pod serves it. */
  mapped(containerPort: number): number {
    return this.#ports.get(containerPort) ?? containerPort;
  }

  /** Starts the pods of an echo-basic Deployment manifest. */
  async deploy(deployment: Manifest): Promise<void> {
    const spec = record(deployment.spec);
    const template = record(spec.template);
    const labels = stringRecord(record(template.metadata).labels);
    const containers = list(record(template.spec).containers).map(echoContainerOf);
    const namespace = deployment.metadata.namespace ?? 'default';
    const replicaSetHash = kubernetesSuffix(10);
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    for (let replica = 0; replica < replicas; replica++) {
      const pod: ModelServerPod = {
        name: `${deployment.metadata.name}-${replicaSetHash}-${kubernetesSuffix(5)}`,
        namespace,
        labels,
        ip: this.#podAddress(this.pods.length),
        servers: [],
      };
      this.pods.push(pod);
      for (const container of containers) {
        const server = await startEchoServer({
          host: pod.ip,
          port: this.#ports.get(container.httpPort) ?? 0,
          ...(container.h2cPort === undefined ? {} : { h2cPort: this.#ports.get(container.h2cPort) ?? 0 }),
          pod: pod.name,
          namespace,
        });
        pod.servers.push(server);
        this.#serve(container.httpPort, server.port);
        if (container.h2cPort !== undefined && server.h2cPort !== undefined)
          this.#serve(container.h2cPort, server.h2cPort);
      }
      this.podObjects.push(podObject(pod, containers, (port) => this.port(port)));
    }
  }

  /** Records the real port of a container port; a port picked for one must not already stand for another. */
  #serve(containerPort: number, port: number): void {
    if (this.#ports.get(containerPort) === port) return;
    if (this.containerPort(port) !== undefined)
      throw new Error(`port ${port} already stands for container port ${this.containerPort(port)}`);
    this.#ports.set(containerPort, port);
  }

  async close(): Promise<void> {
    await Promise.all(this.pods.flatMap((pod) => pod.servers.map((server) => server.close())));
  }
}

/** Starts the pods of every Deployment, the `i`-th pod on `podAddress(i)`. */
export function startModelServers(
  podAddress: (index: number) => string,
  deployments: Manifest[],
): Promise<ModelServers> {
  return startPodsOnSharedPorts('model servers', () => new ModelServers(podAddress), deployments);
}

function echoContainerOf(value: unknown): EchoContainer {
  const container = record(value);
  const env = new Map(
    list(container.env)
      .map(record)
      .filter((entry) => typeof entry.value === 'string')
      .map((entry) => [String(entry.name), String(entry.value)]),
  );
  const h2cPort = env.get('H2C_PORT');
  return {
    name: String(container.name),
    image: String(container.image),
    httpPort: Number(env.get('HTTP_PORT') ?? defaultHttpPort),
    h2cPort: h2cPort === undefined ? undefined : Number(h2cPort),
  };
}

/** The Pod as the API server would show it once the kubelet reports it running and ready. */
function podObject(
  pod: ModelServerPod,
  containers: EchoContainer[],
  port: (containerPort: number) => number,
): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: pod.name, namespace: pod.namespace, labels: pod.labels },
    spec: {
      containers: containers.map((container) => ({
        name: container.name,
        image: container.image,
        ports: [container.httpPort, ...(container.h2cPort === undefined ? [] : [container.h2cPort])].map(
          (containerPort) => ({ containerPort: port(containerPort) }),
        ),
      })),
    },
    status: { phase: 'Running', podIP: pod.ip, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function stringRecord(value: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record(value)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
