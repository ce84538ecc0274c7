// The conformance base fixtures that live outside manifests: echo "pods", EndpointSlices, TLS Secrets.
//
// Upstream runs echo-basic Deployments in a cluster. Here every pod is an in-process echo server on
// its own loopback address (its "pod IP"), all on one port, so an EndpointSlice can list several pods
// under one port exactly as Kubernetes' EndpointSlice controller writes it.

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type EchoServer, startEchoServer } from '../../../src/sim/echo.ts';
import type { Manifest } from './manifest-store.ts';

export const infraNamespace = 'gateway-conformance-infra';
export const appBackendNamespace = 'gateway-conformance-app-backend';
export const webBackendNamespace = 'gateway-conformance-web-backend';

/** The echo Deployments of upstream `conformance/base/manifests.yaml` that HTTP tests route to. */
const deployments = [
  { name: 'infra-backend-v1', namespace: infraNamespace, replicas: 2 },
  { name: 'infra-backend-v2', namespace: infraNamespace, replicas: 2 },
  { name: 'infra-backend-v3', namespace: infraNamespace, replicas: 1 },
  { name: 'app-backend-v1', namespace: appBackendNamespace, replicas: 2 },
  { name: 'app-backend-v2', namespace: appBackendNamespace, replicas: 2 },
  { name: 'web-backend', namespace: webBackendNamespace, replicas: 2 },
];

/** The echo container port upstream's manifests use; every test manifest names the pods' port so. */
const echoContainerPort = 3000;

export interface Pod {
  name: string;
  namespace: string;
  /** `app: <deployment>`, what the base Services select on. */
  labels: Record<string, string>;
  ip: string;
  echo: EchoServer;
}

export interface Backends {
  pods: Pod[];
  /** The one port every pod listens on: the EndpointSlice port and the Services' targetPort. */
  port: number;
  close(): Promise<void>;
}

/** Starts every pod of every Deployment, pod `i` on `podAddress(i)`. */
export async function startBackends(podAddress: (index: number) => string): Promise<Backends> {
  const planned = deployments.flatMap((deployment) => {
    const replicaSetHash = kubernetesSuffix(10);
    return Array.from({ length: deployment.replicas }, () => ({
      name: `${deployment.name}-${replicaSetHash}-${kubernetesSuffix(5)}`,
      namespace: deployment.namespace,
      labels: { app: deployment.name },
    }));
  });
  let lastError: unknown;
  // The first pod picks a free port; the others must get the same one on their own address.
  for (let attempt = 0; attempt < 5; attempt++) {
    const pods: Pod[] = [];
    try {
      let port = 0;
      for (const [index, pod] of planned.entries()) {
        const ip = podAddress(index);
        const echo = await startEchoServer({ host: ip, port, pod: pod.name, namespace: pod.namespace });
        port = echo.port;
        pods.push({ ...pod, ip, echo });
      }
      return { pods, port, close: () => closeAll(pods) };
    } catch (error) {
      lastError = error;
      await closeAll(pods);
    }
  }
  throw new Error(`could not start the echo backends: ${String(lastError)}`);
}

async function closeAll(pods: Pod[]): Promise<void> {
  await Promise.all(pods.map((pod) => pod.echo.close()));
}

// Kubernetes' name suffix alphabet (no vowels, no confusable digits).
const suffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

function kubernetesSuffix(length: number): string {
  return Array.from({ length }, () => suffixAlphabet[Math.floor(Math.random() * suffixAlphabet.length)]).join(
    '',
  );
}

/**
 * Points a Service's targetPort or an EndpointSlice's port of 3000 (upstream's container port) at the
 * port the echo pods really listen on, in place.
 */
export function mapContainerPort(object: Manifest, backendPort: number): void {
  const ports =
    object.kind === 'Service'
      ? recordOf(object.spec).ports
      : object.kind === 'EndpointSlice'
        ? object.ports
        : [];
  const field = object.kind === 'Service' ? 'targetPort' : 'port';
  for (const entry of Array.isArray(ports) ? ports : []) {
    const port = recordOf(entry);
    if (port[field] === echoContainerPort) port[field] = backendPort;
  }
}

/** What Kubernetes' EndpointSlice controller writes for a Service with a selector. */
export function endpointSliceFor(service: Manifest, pods: Pod[]): Manifest | undefined {
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
export function endpointFor(pod: Pod): Record<string, unknown> {
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

export interface Certificate {
  certPem: string;
  keyPem: string;
}

export interface Certificates {
  /** `tls-validity-checks-certificate` in the infra namespace; SANs `*`, `*.org`, `*.wildcard.org`. */
  tlsValidityChecks: Certificate;
  /** `certificate` in the web-backend namespace; SAN `*`. */
  webBackend: Certificate;
}

const run = promisify(execFile);

/** Self-signed certificates with the SANs the suite's setup gives them upstream. */
export async function createCertificates(dir: string): Promise<Certificates> {
  const [tlsValidityChecks, webBackend] = await Promise.all([
    selfSigned(dir, 'tls-validity-checks', ['*', '*.org', '*.wildcard.org']),
    selfSigned(dir, 'web-backend', ['*']),
  ]);
  return { tlsValidityChecks, webBackend };
}

async function selfSigned(dir: string, name: string, hosts: string[]): Promise<Certificate> {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '365',
    '-subj',
    '/O=Acme Co/CN=default',
    '-addext',
    `subjectAltName=${hosts.map((host) => `DNS:${host}`).join(',')}`,
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  return { certPem: await readFile(certFile, 'utf8'), keyPem: await readFile(keyFile, 'utf8') };
}

/** A `kubernetes.io/tls` Secret holding `certificate`. */
export function tlsSecret(namespace: string, name: string, certificate: Certificate): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': Buffer.from(certificate.certPem).toString('base64'),
      'tls.key': Buffer.from(certificate.keyPem).toString('base64'),
    },
  };
}
