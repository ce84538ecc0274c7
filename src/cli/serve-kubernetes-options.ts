// `sluice serve --kubernetes` flags: where the API server is, what to watch, the leader lease, and the
// Service whose addresses Gateways report.

import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ParseArgsOptionsConfig } from 'node:util';
import type { ServiceName } from '../providers/kubernetes/service-addresses.ts';
import { isDnsSubdomain } from '../resources/names.ts';
import { parseFlags, usageError } from './args.ts';
import { type ListenOptions, listenFlags, listenOptions } from './serve.ts';

export interface KubernetesServeOptions extends ListenOptions {
  kubeconfig?: string;
  context?: string;
  namespaces: string[];
  /** Serve only the Gateways of these GatewayClasses (each must still name Sluice's controller). */
  gatewayClasses: string[];
  lease: { namespace: string; name: string; durationSeconds: number; identity: string };
  /** The Service in front of the replicas; Gateways without spec.addresses report its addresses. */
  gatewayService?: ServiceName;
}

const kubernetesFlags: ParseArgsOptionsConfig = {
  kubernetes: { type: 'boolean' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', multiple: true },
  'gateway-class': { type: 'string', multiple: true },
  'lease-namespace': { type: 'string' },
  'lease-name': { type: 'string', default: 'sluice-leader' },
  'lease-duration': { type: 'string', default: '15' },
  identity: { type: 'string' },
  'gateway-service': { type: 'string' },
};

const podNamespaceFile = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

function podNamespace(): string | undefined {
  return existsSync(podNamespaceFile)
    ? readFileSync(podNamespaceFile, 'utf8').trim() || undefined
    : undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `NAMESPACE/NAME`, or `NAME` in `defaultNamespace`. */
function serviceName(value: string, defaultNamespace: string): ServiceName {
  const parts = value.split('/');
  const valid = parts.length <= 2 && parts.every((part) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(part));
  if (!valid) throw usageError(`--gateway-service must be NAMESPACE/NAME or NAME, not "${value}"`);
  return parts.length === 2
    ? { namespace: parts[0], name: parts[1] }
    : { namespace: defaultNamespace, name: value };
}

/** The `--gateway-class` values, each a GatewayClass name (a DNS subdomain). */
function gatewayClassNames(values: unknown): string[] {
  const names = Array.isArray(values) ? values.map(String) : [];
  for (const name of names) {
    if (!isDnsSubdomain(name)) throw usageError(`--gateway-class must be a GatewayClass name, not "${name}"`);
  }
  return names;
}

export function parseKubernetesServeArgs(args: string[]): KubernetesServeOptions {
  const flags = parseFlags(args, { ...listenFlags, ...kubernetesFlags });
  const durationSeconds = Number(flags['lease-duration']);
  if (!Number.isInteger(durationSeconds) || durationSeconds < 1) {
    throw usageError(`--lease-duration must be a whole number of seconds, not "${flags['lease-duration']}"`);
  }
  const kubeconfig = optionalString(flags.kubeconfig);
  const context = optionalString(flags.context);
  const ownNamespace = podNamespace() ?? 'default';
  const gatewayService = optionalString(flags['gateway-service']);
  return {
    ...listenOptions(flags),
    ...(kubeconfig !== undefined && { kubeconfig }),
    ...(context !== undefined && { context }),
    ...(gatewayService !== undefined && { gatewayService: serviceName(gatewayService, ownNamespace) }),
    namespaces: (flags.namespace ?? []) as string[],
    gatewayClasses: gatewayClassNames(flags['gateway-class']),
    lease: {
      namespace: optionalString(flags['lease-namespace']) ?? ownNamespace,
      name: String(flags['lease-name']),
      durationSeconds,
      identity: optionalString(flags.identity) ?? process.env.POD_NAME ?? `${hostname()}-${process.pid}`,
    },
  };
}
