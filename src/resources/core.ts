// Types of the core and discovery kinds Sluice reads: Namespace, Service, EndpointSlice, Secret, ConfigMap, Pod.

import type { KubeObject } from './object.ts';

export interface Namespace extends KubeObject {
  kind: 'Namespace';
}

export interface ServicePort {
  name?: string;
  protocol?: string;
  appProtocol?: string;
  port: number;
  targetPort?: number | string;
}

export interface Service extends KubeObject {
  kind: 'Service';
  spec: {
    type?: string;
    clusterIP?: string;
    selector?: Record<string, string>;
    ports?: ServicePort[];
    externalName?: string;
  };
}

export interface EndpointSliceEndpoint {
  addresses: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  hostname?: string;
  nodeName?: string;
}

export interface EndpointSlicePort {
  name?: string;
  port?: number;
  protocol?: string;
  appProtocol?: string;
}

export interface EndpointSlice extends KubeObject {
  kind: 'EndpointSlice';
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints?: EndpointSliceEndpoint[];
  ports?: EndpointSlicePort[];
}

export interface Secret extends KubeObject {
  kind: 'Secret';
  type?: string;
  /** Base64 values; `stringData` from the manifest is merged in here, encoded, when the object is read. */
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface ConfigMap extends KubeObject {
  kind: 'ConfigMap';
  data?: Record<string, string>;
}

export interface ContainerPort {
  /** An IANA service name, unique within the container. */
  name?: string;
  containerPort: number;
  /** `TCP` unless written. */
  protocol: 'TCP' | 'UDP' | 'SCTP';
}

export interface Container {
  name: string;
  image: string;
  ports?: ContainerPort[];
}

export interface PodCondition {
  /** `Ready`, `PodScheduled`, `Initialized`, `ContainersReady`, or a qualified name (readiness gates). */
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface PodStatus {
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  /** The primary IP; after admission always equal to `podIPs[0].ip` when either is written. */
  podIP?: string;
  /** At most one IP per family. */
  podIPs?: { ip: string }[];
  /** Unique by type. */
  conditions?: PodCondition[];
}

/** Unlike the other kinds, a Pod's `status` written in a file is kept: standalone, it says where the Pod is. */
export interface Pod extends KubeObject {
  kind: 'Pod';
  spec: { containers: Container[]; initContainers?: Container[] };
  status?: PodStatus;
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
