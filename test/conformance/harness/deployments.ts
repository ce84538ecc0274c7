// Reads an echo-basic Deployment from a test's manifests the way its container would see it: which
// mode the environment asks for, and which Secret or ConfigMap keys its TLS files are mounted from.

import type { EchoDeployment, MountedFile } from './fixtures.ts';
import type { Manifest } from './manifest-store.ts';

/** The echo-basic pods a Deployment manifest asks for. */
export function echoDeploymentOf(deployment: Manifest): EchoDeployment {
  const spec = record(deployment.spec);
  const podSpec = record(record(spec.template).spec);
  const containers = list(podSpec.containers).map(record);
  if (containers.length !== 1) {
    throw new Error(
      `Deployment ${deployment.metadata.name}: the harness runs one echo-basic container per pod`,
    );
  }
  const container = containers[0];
  const env = new Map(
    list(container.env)
      .map(record)
      .filter((entry) => typeof entry.value === 'string')
      .map((entry) => [String(entry.name), String(entry.value)]),
  );
  const mount = (path: string | undefined): MountedFile | undefined =>
    path === undefined ? undefined : mountedFile(deployment, podSpec, container, path);
  const cert = mount(env.get('TLS_SERVER_CERT'));
  const key = mount(env.get('TLS_SERVER_PRIVKEY'));
  const clientCa = mount(env.get('TLS_CLIENT_CACERTS'));
  return {
    name: deployment.metadata.name,
    namespace: deployment.metadata.namespace ?? 'default',
    replicas: typeof spec.replicas === 'number' ? spec.replicas : 1,
    ...(env.has('GRPC_ECHO_SERVER') ? { grpc: true } : {}),
    ...(cert && key ? { https: { cert, key, ...(clientCa ? { clientCa } : {}) } } : {}),
  };
}

/** The Secret or ConfigMap key behind a file path, through the container's volume mounts. */
function mountedFile(
  deployment: Manifest,
  podSpec: Record<string, unknown>,
  container: Record<string, unknown>,
  path: string,
): MountedFile {
  const where = `Deployment ${deployment.metadata.name}: ${path}`;
  const volumeMount = list(container.volumeMounts)
    .map(record)
    .find((entry) => typeof entry.mountPath === 'string' && path.startsWith(`${entry.mountPath}/`));
  if (!volumeMount) throw new Error(`${where} is on no volume mount`);
  const volume = list(podSpec.volumes)
    .map(record)
    .find((entry) => entry.name === volumeMount.name);
  const secret = record(volume?.secret);
  const configMap = record(volume?.configMap);
  const source =
    typeof secret.secretName === 'string'
      ? { kind: 'Secret' as const, name: secret.secretName, items: secret.items }
      : typeof configMap.name === 'string'
        ? { kind: 'ConfigMap' as const, name: configMap.name, items: configMap.items }
        : undefined;
  if (!source) throw new Error(`${where} is not on a Secret or ConfigMap volume`);
  const relative = path.slice(String(volumeMount.mountPath).length + 1);
  // Without items every key is a file of its own name.
  const item = list(source.items)
    .map(record)
    .find((entry) => entry.path === relative);
  return { kind: source.kind, name: source.name, key: typeof item?.key === 'string' ? item.key : relative };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
