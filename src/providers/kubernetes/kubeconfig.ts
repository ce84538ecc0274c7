// How to reach the API server: from a kubeconfig file (its current or a named context) or, inside a
// Pod, from the service-account token and CA that Kubernetes mounts.

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { SluiceError } from '../../errors.ts';
import { isPlainObject } from '../../resources/check.ts';

export interface ClusterConnection {
  /** `https://host:port` of the API server, without a trailing slash. */
  server: string;
  /** PEM of the CA bundle that signs the API server's certificate; the system store when absent. */
  ca?: string;
  /** Client certificate and key (PEM), for certificate authentication. */
  cert?: string;
  key?: string;
  /** Reads the bearer token each time it is needed, so a projected token that rotates is picked up. */
  token?: () => string;
  /** `insecure-skip-tls-verify` from the kubeconfig. */
  insecure: boolean;
}

const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

function invalid(source: string, reason: string): SluiceError {
  return new SluiceError('kube_config_invalid', { source, reason });
}

function readText(file: string, source: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw invalid(source, `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The connection a Pod has to its own cluster. */
export function inClusterConnection(): ClusterConnection {
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const port = process.env.KUBERNETES_SERVICE_PORT;
  const source = 'in-cluster configuration';
  if (!host || !port) {
    throw invalid(source, 'KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (not in a Pod?)');
  }
  const tokenFile = join(serviceAccountDir, 'token');
  readText(tokenFile, source);
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    ca: readText(join(serviceAccountDir, 'ca.crt'), source),
    token: () => readText(tokenFile, source).trim(),
    insecure: false,
  };
}

function named(list: unknown, name: string, what: string, source: string): Record<string, unknown> {
  const found = Array.isArray(list)
    ? list.find((entry) => isPlainObject(entry) && entry.name === name)
    : undefined;
  if (!isPlainObject(found) || !isPlainObject(found[what])) {
    throw invalid(source, `no ${what} named "${name}"`);
  }
  return found[what];
}

function optionalString(record: Record<string, unknown>, field: string): string | undefined {
  const value = record[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * PEM from an inline `<field>-data` (base64) or a file `<field>` (relative to the kubeconfig's folder,
 * as kubectl reads it).
 */
function pem(
  record: Record<string, unknown>,
  field: string,
  base: string,
  source: string,
): string | undefined {
  const data = optionalString(record, `${field}-data`);
  if (data !== undefined) return Buffer.from(data, 'base64').toString('utf8');
  const file = optionalString(record, field);
  if (file === undefined) return undefined;
  return readText(isAbsolute(file) ? file : join(base, file), source);
}

/** The connection of `context` (the kubeconfig's current context when omitted) in the kubeconfig `file`. */
export function kubeconfigConnection(file: string, context?: string): ClusterConnection {
  const source = `kubeconfig ${file}`;
  let config: unknown;
  try {
    config = parse(readText(file, source));
  } catch (error) {
    if (error instanceof SluiceError) throw error;
    throw invalid(source, `not YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isPlainObject(config)) throw invalid(source, 'not a kubeconfig');
  const contextName = context ?? optionalString(config, 'current-context');
  if (contextName === undefined) throw invalid(source, 'no current-context; name one with --context');
  const chosen = named(config.contexts, contextName, 'context', source);
  const clusterName = optionalString(chosen, 'cluster');
  if (clusterName === undefined) throw invalid(source, `context "${contextName}" names no cluster`);
  const cluster = named(config.clusters, clusterName, 'cluster', source);
  const userName = optionalString(chosen, 'user');
  const user = userName === undefined ? {} : named(config.users, userName, 'user', source);
  if (user.exec !== undefined || user['auth-provider'] !== undefined) {
    throw invalid(
      source,
      `user "${userName}" uses an exec or auth-provider plugin, which Sluice does not run`,
    );
  }

  const server = optionalString(cluster, 'server');
  if (server === undefined) throw invalid(source, `cluster "${clusterName}" has no server`);
  const base = dirname(file);
  const connection: ClusterConnection = {
    server: server.replace(/\/+$/, ''),
    insecure: cluster['insecure-skip-tls-verify'] === true,
  };
  const ca = pem(cluster, 'certificate-authority', base, source);
  if (ca !== undefined) connection.ca = ca;
  const cert = pem(user, 'client-certificate', base, source);
  const key = pem(user, 'client-key', base, source);
  if ((cert === undefined) !== (key === undefined)) {
    throw invalid(source, `user "${userName}" needs both a client certificate and a client key`);
  }
  if (cert !== undefined && key !== undefined) Object.assign(connection, { cert, key });
  const token = optionalString(user, 'token');
  const tokenFile = optionalString(user, 'tokenFile');
  if (token !== undefined) connection.token = () => token;
  else if (tokenFile !== undefined) {
    const path = isAbsolute(tokenFile) ? tokenFile : join(base, tokenFile);
    connection.token = () => readText(path, source).trim();
  }
  return connection;
}

/** `--kubeconfig` when given, else `$KUBECONFIG` (its first file), else in-cluster. */
export function resolveConnection(kubeconfig: string | undefined, context?: string): ClusterConnection {
  const file = kubeconfig ?? process.env.KUBECONFIG?.split(':').find((entry) => entry !== '');
  return file === undefined ? inClusterConnection() : kubeconfigConnection(file, context);
}
