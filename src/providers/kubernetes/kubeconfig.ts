// Where the API server is and how to authenticate: `@kubernetes/client-node`'s KubeConfig, loaded from a
// kubeconfig file (its current or a named context) or, inside a Pod, from the mounted service account.
// The library does the reading, TLS and nearly every kind of credential (token, certificate, exec
// plugin, …); this file picks the source, adds kubectl's `tokenFile` (token-file.ts), and turns what is
// wrong with it into one clear error.

import { existsSync } from 'node:fs';
import { delimiter } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { SluiceError } from '../../errors.ts';
import { TokenFileAuthenticator, userTokenFiles } from './token-file.ts';

const serviceAccountToken = '/var/run/secrets/kubernetes.io/serviceaccount/token';

function invalid(source: string, reason: string): SluiceError {
  return new SluiceError('kube_config_invalid', { source, reason });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The Pod's own cluster, from the service account Kubernetes mounts. */
function inCluster(): KubeConfig {
  const source = 'in-cluster configuration';
  if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT) {
    throw invalid(source, 'KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (not in a Pod?)');
  }
  if (!existsSync(serviceAccountToken)) throw invalid(source, `${serviceAccountToken} does not exist`);
  const config = new KubeConfig();
  config.loadFromCluster();
  return config;
}

/** `file` (or `$KUBECONFIG`'s files, merged as kubectl merges them), switched to `context` when given. */
function fromKubeconfig(file: string | undefined, context: string | undefined): KubeConfig {
  const source = `kubeconfig ${file ?? process.env.KUBECONFIG}`;
  const config = new KubeConfig();
  try {
    if (file === undefined) config.loadFromDefault();
    else config.loadFromFile(file);
  } catch (error) {
    throw invalid(source, describe(error));
  }
  if (context !== undefined) {
    if (!config.getContextObject(context)) throw invalid(source, `no context named "${context}"`);
    config.setCurrentContext(context);
  }
  const current = config.getCurrentContext();
  if (!current) throw invalid(source, 'no current-context; name one with --context');
  const contextObject = config.getContextObject(current);
  if (!contextObject) throw invalid(source, `no context named "${current}"`);
  const cluster = config.getCurrentCluster();
  if (!cluster) throw invalid(source, `context "${current}" names no cluster that the file defines`);
  if (!cluster.server) throw invalid(source, `cluster "${cluster.name}" has no server`);
  // The files the library read: the one named, else $KUBECONFIG's list.
  const files = file === undefined ? (process.env.KUBECONFIG ?? '').split(delimiter).filter(Boolean) : [file];
  const tokenFiles = new TokenFileAuthenticator(userTokenFiles(files));
  try {
    // Read now, so a missing or empty token file stops the start with a clear message (as kubectl does).
    tokenFiles.token(contextObject.user);
  } catch (error) {
    throw invalid(source, describe(error));
  }
  config.addAuthenticator(tokenFiles);
  return config;
}

/** `--kubeconfig` when given, else `$KUBECONFIG`, else the Pod's service account. */
export function loadKubeConfig(kubeconfig: string | undefined, context?: string): KubeConfig {
  if (kubeconfig !== undefined || process.env.KUBECONFIG) return fromKubeconfig(kubeconfig, context);
  if (context !== undefined) throw invalid('in-cluster configuration', '--context needs a kubeconfig');
  return inCluster();
}
