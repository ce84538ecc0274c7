// Service (core v1): ports, selector and type, with the API server's defaults (type ClusterIP, protocol TCP,
// targetPort = port) and its checks on port names, numbers and headless/ExternalName Services.

import { isIP } from 'node:net';
import { quote } from '../check.ts';
import type { Service, ServicePort } from '../core.ts';
import { defineKind } from '../kind.ts';
import { dns1035Label, dnsLabel, isDnsSubdomain, labels, portNameProblem, qualifiedName } from '../names.ts';
import { array, dropped, integer, intOrString, object, preserved, type Rule, string } from '../schema.ts';

/** A Service port as written; `nodePort` is valid but not used by Sluice, so the shared type leaves it out. */
interface ServicePortFields extends ServicePort {
  nodePort?: number;
}

type ServiceSpec = Omit<Service['spec'], 'ports'> & { ports?: ServicePortFields[] };

const protocols = ['TCP', 'UDP', 'SCTP'] as const;

const port = object<ServicePortFields>(
  {
    name: dnsLabel(),
    protocol: string({ enum: protocols, default: 'TCP' }),
    appProtocol: qualifiedName(),
    port: integer({ minimum: 1, maximum: 65535 }),
    targetPort: intOrString({
      rules: [
        (self, report) => {
          if (typeof self === 'number' && (self < 1 || self > 65535)) {
            report(`must be between 1 and 65535 or a port name, not ${self}`);
          }
          const problem = typeof self === 'string' ? portNameProblem(self) : undefined;
          if (problem) report(problem);
        },
      ],
    }),
    nodePort: integer({ minimum: 0, maximum: 65535 }),
  },
  { required: ['port'] },
);

const specRules: Rule<ServiceSpec> = (spec, report) => {
  const ports = spec.ports ?? [];
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') {
    report(
      'at least one port is required (unless the Service is headless, clusterIP: None, or ExternalName)',
      ['ports'],
    );
  }
  ports.forEach((p, index) => {
    if (ports.length > 1 && p.name === undefined) {
      report('required when a Service has more than one port', ['ports', index, 'name']);
    }
    if (p.name !== undefined && ports.findIndex((other) => other.name === p.name) < index) {
      report(`duplicate port name ${quote(p.name)}`, ['ports', index, 'name']);
    }
    if (ports.findIndex((other) => other.port === p.port && other.protocol === p.protocol) < index) {
      report(`duplicate port ${p.port}/${p.protocol}`, ['ports', index, 'port']);
    }
    if (p.nodePort !== undefined && (spec.type ?? 'ClusterIP') === 'ClusterIP') {
      report('may not be used when type is ClusterIP', ['ports', index, 'nodePort']);
    }
  });
  if (spec.clusterIP !== undefined && spec.clusterIP !== '' && !headless && !isIP(spec.clusterIP)) {
    report(`invalid value ${quote(spec.clusterIP)}: must be empty, "None" or an IP address`, ['clusterIP']);
  }
  if (spec.type === 'ExternalName') {
    const name = spec.externalName?.replace(/\.$/, '');
    if (name === undefined || name === '') report('required for type ExternalName', ['externalName']);
    else if (!isDnsSubdomain(name)) {
      report(`invalid value ${quote(spec.externalName)}: must be a lowercase DNS name`, ['externalName']);
    }
    if (spec.clusterIP) report('must not be set for type ExternalName', ['clusterIP']);
  }
};

const spec = object<ServiceSpec>(
  {
    type: string({ enum: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'], default: 'ClusterIP' }),
    clusterIP: string(),
    selector: labels(),
    ports: array(port),
    externalName: string(),
    // Valid Service fields Sluice does not use: kept as written.
    clusterIPs: preserved(),
    externalIPs: preserved(),
    sessionAffinity: preserved(),
    sessionAffinityConfig: preserved(),
    loadBalancerIP: preserved(),
    loadBalancerSourceRanges: preserved(),
    loadBalancerClass: preserved(),
    externalTrafficPolicy: preserved(),
    internalTrafficPolicy: preserved(),
    healthCheckNodePort: preserved(),
    publishNotReadyAddresses: preserved(),
    ipFamilies: preserved(),
    ipFamilyPolicy: preserved(),
    allocateLoadBalancerNodePorts: preserved(),
    trafficDistribution: preserved(),
  },
  {
    default: {},
    rules: [specRules],
    normalize: (self) => {
      for (const p of self.ports ?? []) p.targetPort ??= p.port;
    },
  },
);

export const serviceKind = defineKind<Service>({
  group: '',
  kind: 'Service',
  versions: ['v1'],
  namespaced: true,
  name: dns1035Label(),
  fields: { spec, status: dropped() },
});
