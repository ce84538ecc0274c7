// Indexes over the translator's input objects: lookups by kind, namespace and name, and namespace labels.

import type { IRInferencePool } from '../ir/types.ts';
import type { ConfigMap, EndpointSlice, Pod, Secret, Service } from '../resources/core.ts';
import { NAMESPACE_NAME_LABEL, SERVICE_NAME_LABEL } from '../resources/core.ts';
import type {
  BackendTLSPolicy,
  Gateway,
  GatewayClass,
  GRPCRoute,
  HTTPRoute,
  ListenerSet,
  ReferenceGrant,
} from '../resources/gateway-api.ts';
import type { InferenceModelRewrite, InferenceObjective, InferencePool } from '../resources/inference-api.ts';
import type { KubeObject } from '../resources/object.ts';
import type { BackendTLS } from './backendtls.ts';
import type { TranslateOptions } from './types.ts';

export interface TranslateContext {
  options: TranslateOptions;
  gatewayClasses: Map<string, GatewayClass>;
  gateways: Gateway[];
  httpRoutes: HTTPRoute[];
  grpcRoutes: GRPCRoute[];
  listenerSets: ListenerSet[];
  backendTLSPolicies: BackendTLSPolicy[];
  referenceGrants: ReferenceGrant[];
  services: Map<string, Service>;
  secrets: Map<string, Secret>;
  configMaps: Map<string, ConfigMap>;
  inferencePools: Map<string, InferencePool>;
  inferenceObjectives: InferenceObjective[];
  inferenceModelRewrites: InferenceModelRewrite[];
  /** Pods by namespace. */
  pods: Map<string, Pod[]>;
  /** EndpointSlices by `namespace/serviceName`. */
  endpointSlices: Map<string, EndpointSlice[]>;
  /** IR pools made so far (the InferencePool phase adds one per pool a route uses). */
  pools: Map<string, IRInferencePool>;
  /** TLS for Service ports secured by a BackendTLSPolicy (filled by the BackendTLSPolicy phase). */
  backendTLS: Map<string, BackendTLS>;
  /** Labels of every namespace that has a Namespace object (plus the implied name label). */
  namespaceLabels: Map<string, Record<string, string>>;
}

export function key(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** Creation order, then namespace/name: how the spec breaks ties between objects. */
export function compareAge(a: KubeObject, b: KubeObject): number {
  const at = a.metadata.creationTimestamp ?? '';
  const bt = b.metadata.creationTimestamp ?? '';
  if (at !== bt) return at < bt ? -1 : 1;
  return key(a.metadata.namespace, a.metadata.name).localeCompare(key(b.metadata.namespace, b.metadata.name));
}

export function buildContext(objects: KubeObject[], options: TranslateOptions): TranslateContext {
  const context: TranslateContext = {
    options,
    gatewayClasses: new Map(),
    gateways: [],
    httpRoutes: [],
    grpcRoutes: [],
    listenerSets: [],
    backendTLSPolicies: [],
    referenceGrants: [],
    services: new Map(),
    secrets: new Map(),
    configMaps: new Map(),
    endpointSlices: new Map(),
    inferencePools: new Map(),
    inferenceObjectives: [],
    inferenceModelRewrites: [],
    pods: new Map(),
    backendTLS: new Map(),
    pools: new Map(),
    namespaceLabels: new Map(),
  };
  for (const object of objects) {
    const { namespace, name } = object.metadata;
    switch (object.kind) {
      case 'GatewayClass':
        context.gatewayClasses.set(name, object as GatewayClass);
        break;
      case 'Gateway':
        context.gateways.push(object as Gateway);
        break;
      case 'HTTPRoute':
        context.httpRoutes.push(object as HTTPRoute);
        break;
      case 'GRPCRoute':
        context.grpcRoutes.push(object as GRPCRoute);
        break;
      case 'ListenerSet':
        context.listenerSets.push(object as ListenerSet);
        break;
      case 'BackendTLSPolicy':
        context.backendTLSPolicies.push(object as BackendTLSPolicy);
        break;
      case 'ReferenceGrant':
        context.referenceGrants.push(object as ReferenceGrant);
        break;
      case 'Service':
        context.services.set(key(namespace, name), object as Service);
        break;
      case 'Secret':
        context.secrets.set(key(namespace, name), object as Secret);
        break;
      case 'ConfigMap':
        context.configMaps.set(key(namespace, name), object as ConfigMap);
        break;
      case 'EndpointSlice': {
        const service = object.metadata.labels?.[SERVICE_NAME_LABEL];
        if (!service) break;
        const slices = context.endpointSlices.get(key(namespace, service)) ?? [];
        slices.push(object as EndpointSlice);
        context.endpointSlices.set(key(namespace, service), slices);
        break;
      }
      case 'InferencePool':
        context.inferencePools.set(key(namespace, name), object as InferencePool);
        break;
      case 'InferenceObjective':
        context.inferenceObjectives.push(object as InferenceObjective);
        break;
      case 'InferenceModelRewrite':
        context.inferenceModelRewrites.push(object as InferenceModelRewrite);
        break;
      case 'Pod': {
        const pods = context.pods.get(namespace ?? 'default') ?? [];
        pods.push(object as Pod);
        context.pods.set(namespace ?? 'default', pods);
        break;
      }
      case 'Namespace':
        context.namespaceLabels.set(name, { ...object.metadata.labels, [NAMESPACE_NAME_LABEL]: name });
        break;
    }
  }
  context.gateways.sort(compareAge);
  context.httpRoutes.sort(compareAge);
  context.grpcRoutes.sort(compareAge);
  context.listenerSets.sort(compareAge);
  context.backendTLSPolicies.sort(compareAge);
  context.inferenceObjectives.sort(compareAge);
  context.inferenceModelRewrites.sort(compareAge);
  return context;
}

export function labelsOfNamespace(context: TranslateContext, namespace: string): Record<string, string> {
  return context.namespaceLabels.get(namespace) ?? { [NAMESPACE_NAME_LABEL]: namespace };
}
