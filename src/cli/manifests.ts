// `sluice manifests`: prints the objects that install Sluice in a cluster, for chosen options, to pipe
// into `kubectl apply -f -` (the `linkerd install` convention). deploy/ holds the same set as a kustomize base.

import { stringify } from 'yaml';
import { isDnsSubdomain } from '../resources/names.ts';
import { parseFlags, usageError } from './args.ts';
import {
  defaultInstallOptions,
  defaultMaxReplicas,
  type InstallObject,
  type InstallOptions,
  installObjects,
  type ServiceType,
} from './manifests-objects.ts';

const defaults = defaultInstallOptions();
const serviceTypes: readonly ServiceType[] = ['LoadBalancer', 'NodePort', 'ClusterIP'];

export const manifestsUsage = `Usage: sluice manifests [options] | kubectl apply -f -

Prints the objects that install Sluice in Kubernetes mode: Namespace, ServiceAccount, least-privilege
RBAC, GatewayClass, Service, Deployment, PodDisruptionBudget and, with --hpa, a HorizontalPodAutoscaler.
Install the Gateway API and Inference Extension CRDs first (see docs/kubernetes.md). The kustomize base
in deploy/ is the same set with the default options.

Options:
  --namespace NS           namespace to install into (default ${defaults.namespace})
  --image IMAGE            container image (default ${defaults.image})
  --replicas N             replicas, or the autoscaler's minimum with --hpa (default ${defaults.replicas})
  --hpa                    scale on CPU with a HorizontalPodAutoscaler
  --max-replicas N         the autoscaler's maximum (default ${defaultMaxReplicas}; needs --hpa)
  --gateway-class NAME     name of the GatewayClass for Sluice (default ${defaults.gatewayClass})
  --listener-port PORT     a Gateway listener port the Service exposes (repeatable; default ${defaults.listenerPorts.join(' and ')})
  --service-type TYPE      ${serviceTypes.join(', ')} (default ${defaults.serviceType})
  -o, --output yaml|json   YAML documents, or one JSON List (default yaml)`;

/** RFC 1123 label: what a namespace name must be. */
const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function wholeNumber(value: string, flag: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw usageError(`${flag} must be a whole number from ${min} to ${max}, not "${value}"`);
  }
  return number;
}

function stringFlag(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

export interface ManifestsRequest {
  options: InstallOptions;
  output: 'yaml' | 'json';
}

export function parseManifestsArgs(args: string[]): ManifestsRequest {
  const flags = parseFlags(args, {
    namespace: { type: 'string' },
    image: { type: 'string' },
    replicas: { type: 'string' },
    hpa: { type: 'boolean' },
    'max-replicas': { type: 'string' },
    'gateway-class': { type: 'string' },
    'listener-port': { type: 'string', multiple: true },
    'service-type': { type: 'string' },
    output: { type: 'string', short: 'o' },
  });
  const namespace = stringFlag(flags.namespace, defaults.namespace);
  if (!dnsLabel.test(namespace)) throw usageError(`--namespace must be a DNS label, not "${namespace}"`);
  const image = stringFlag(flags.image, defaults.image);
  if (image === '' || /\s/.test(image))
    throw usageError(`--image must be an image reference, not "${image}"`);
  const replicas =
    flags.replicas === undefined
      ? defaults.replicas
      : wholeNumber(String(flags.replicas), '--replicas', 1, 1000);
  if (flags['max-replicas'] !== undefined && flags.hpa !== true) {
    throw usageError('--max-replicas needs --hpa');
  }
  const maxReplicas =
    flags['max-replicas'] === undefined
      ? Math.max(defaultMaxReplicas, replicas)
      : wholeNumber(String(flags['max-replicas']), '--max-replicas', replicas, 1000);
  const gatewayClass = stringFlag(flags['gateway-class'], defaults.gatewayClass);
  if (!isDnsSubdomain(gatewayClass)) {
    throw usageError(`--gateway-class must be a DNS subdomain name, not "${gatewayClass}"`);
  }
  const ports = (flags['listener-port'] ?? []) as string[];
  const listenerPorts =
    ports.length === 0
      ? defaults.listenerPorts
      : ports.map((port) => wholeNumber(port, '--listener-port', 1, 65535));
  if (new Set(listenerPorts).size !== listenerPorts.length)
    throw usageError('--listener-port is given twice');
  const serviceType = stringFlag(flags['service-type'], defaults.serviceType);
  if (!serviceTypes.includes(serviceType as ServiceType)) {
    throw usageError(`--service-type must be one of ${serviceTypes.join(', ')}, not "${serviceType}"`);
  }
  const output = stringFlag(flags.output, 'yaml');
  if (output !== 'yaml' && output !== 'json')
    throw usageError(`--output must be yaml or json, not "${output}"`);
  return {
    options: {
      namespace,
      image,
      replicas,
      ...(flags.hpa === true && { hpa: { maxReplicas } }),
      gatewayClass,
      listenerPorts,
      serviceType: serviceType as ServiceType,
    },
    output,
  };
}

/** YAML documents as kubectl and kustomize print them: `---` between documents, no line folding. */
export function yamlDocuments(objects: readonly InstallObject[]): string {
  return objects
    .map((object) => stringify(object, { lineWidth: 0, aliasDuplicateObjects: false }))
    .join('---\n');
}

/** One `v1` List, which `kubectl apply -f` takes like separate documents. */
export function jsonList(objects: readonly InstallObject[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`;
}

export function runManifests(args: string[], out: NodeJS.WritableStream): number {
  const { options, output } = parseManifestsArgs(args);
  const objects = installObjects(options);
  out.write(output === 'json' ? jsonList(objects) : yamlDocuments(objects));
  return 0;
}
