// Pod (core v1): the members of InferencePools. Standalone, the `status` written in the file is the input
// (IPs, conditions, phase), so it is kept and checked, unlike the status of every other kind. Containers are
// checked as the API server does; the many Pod fields Sluice does not read are kept as written.

import { isIP, isIPv6 } from 'node:net';
import { quote } from '../check.ts';
import type { Container, ContainerPort, Pod, PodCondition, PodStatus } from '../core.ts';
import { defineKind } from '../kind.ts';
import { dnsLabel, dnsSubdomain, portNameProblem, qualifiedName } from '../names.ts';
import { array, integer, object, type PreservedSchema, preserved, type Rule, string } from '../schema.ts';

/** Fields of the Kubernetes type that Sluice does not use: accepted and kept, not checked. */
function kept(names: readonly string[]): Record<string, PreservedSchema> {
  return Object.fromEntries(names.map((name) => [name, preserved()]));
}

function ipAddress() {
  return string({
    rules: [
      (self, report) => {
        if (isIP(self) === 0) report(`invalid value ${quote(self)}: must be an IPv4 or IPv6 address`);
      },
    ],
  });
}

const containerPort = object<ContainerPort>(
  {
    name: string({
      rules: [
        (self, report) => {
          const problem = portNameProblem(self);
          if (problem) report(problem);
        },
      ],
    }),
    containerPort: integer({ minimum: 1, maximum: 65535 }),
    protocol: string({ enum: ['TCP', 'UDP', 'SCTP'], default: 'TCP' }),
    hostPort: integer({ minimum: 0, maximum: 65535 }),
    hostIP: string(),
  },
  { required: ['containerPort'] },
);

const uniquePortNames: Rule<ContainerPort[]> = (ports, report) => {
  ports.forEach((p, index) => {
    if (p.name !== undefined && ports.findIndex((other) => other.name === p.name) < index) {
      report(`duplicate port name ${quote(p.name)} in this container`, [index, 'name']);
    }
  });
};

const container = object<Container>(
  {
    name: dnsLabel(),
    image: string({
      minLength: 1,
      rules: [
        (self, report) => {
          if (self.trim() !== self) report('must not have leading or trailing whitespace');
        },
      ],
    }),
    ports: array(containerPort, { rules: [uniquePortNames] }),
    ...kept([
      'args',
      'command',
      'env',
      'envFrom',
      'imagePullPolicy',
      'lifecycle',
      'livenessProbe',
      'readinessProbe',
      'resizePolicy',
      'resources',
      'restartPolicy',
      'restartPolicyRules',
      'securityContext',
      'startupProbe',
      'stdin',
      'stdinOnce',
      'terminationMessagePath',
      'terminationMessagePolicy',
      'tty',
      'volumeDevices',
      'volumeMounts',
      'workingDir',
    ]),
  },
  { required: ['name', 'image'] },
);

/** Container names are unique across `containers` and `initContainers`. */
const uniqueContainerNames: Rule<Pod['spec']> = (spec, report) => {
  const seen = new Set<string>();
  for (const field of ['initContainers', 'containers'] as const) {
    spec[field]?.forEach((c, index) => {
      if (seen.has(c.name)) report(`duplicate container name ${quote(c.name)}`, [field, index, 'name']);
      seen.add(c.name);
    });
  }
};

const spec = object<Pod['spec']>(
  {
    containers: array(container, { minItems: 1 }),
    initContainers: array(container),
    ...kept([
      'activeDeadlineSeconds',
      'affinity',
      'automountServiceAccountToken',
      'dnsConfig',
      'dnsPolicy',
      'enableServiceLinks',
      'ephemeralContainers',
      'hostAliases',
      'hostIPC',
      'hostNetwork',
      'hostPID',
      'hostUsers',
      'hostname',
      'hostnameOverride',
      'imagePullSecrets',
      'nodeName',
      'nodeSelector',
      'os',
      'overhead',
      'preemptionPolicy',
      'priority',
      'priorityClassName',
      'readinessGates',
      'resourceClaims',
      'resources',
      'restartPolicy',
      'runtimeClassName',
      'schedulerName',
      'schedulingGates',
      'securityContext',
      'serviceAccount',
      'serviceAccountName',
      'setHostnameAsFQDN',
      'shareProcessNamespace',
      'subdomain',
      'terminationGracePeriodSeconds',
      'tolerations',
      'topologySpreadConstraints',
      'volumes',
    ]),
  },
  { required: ['containers'], default: {}, rules: [uniqueContainerNames] },
);

const condition = object<PodCondition>(
  {
    type: qualifiedName(),
    status: string({ enum: ['True', 'False', 'Unknown'] }),
    reason: string(),
    message: string(),
    ...kept(['lastProbeTime', 'lastTransitionTime', 'observedGeneration']),
  },
  { required: ['type', 'status'] },
);

/** The API server's dual-stack rule: several pod IPs are one IPv4 and one IPv6 address. */
const oneIPPerFamily: Rule<{ ip: string }[]> = (ips, report) => {
  const v6 = ips.filter(({ ip }) => isIPv6(ip)).length;
  if (ips.length > 2 || (ips.length === 2 && v6 !== 1)) {
    report('may hold at most one IPv4 and one IPv6 address');
  }
};

/** Kubernetes reads `podIP` over a different `podIPs[0]`; say so, since one of them is a mistake. */
const primaryIPAgrees: Rule<PodStatus> = (status, report) => {
  const first = status.podIPs?.[0]?.ip;
  if (status.podIP !== undefined && first !== undefined && first !== status.podIP) {
    report(
      `differs from podIP ${quote(status.podIP)}; as in Kubernetes, podIP wins and podIPs becomes [podIP]`,
      ['podIPs', 0, 'ip'],
      'warning',
    );
  }
};

const status = object<PodStatus>(
  {
    phase: string({ enum: ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] }),
    podIP: ipAddress(),
    podIPs: array(object<{ ip: string }>({ ip: ipAddress() }, { required: ['ip'] }), {
      rules: [oneIPPerFamily],
    }),
    conditions: array(condition, { listType: 'map', mapKeys: ['type'] }),
    ...kept([
      'allocatedResources',
      'containerStatuses',
      'ephemeralContainerStatuses',
      'extendedResourceClaimStatus',
      'hostIP',
      'hostIPs',
      'initContainerStatuses',
      'message',
      'nominatedNodeName',
      'observedGeneration',
      'qosClass',
      'reason',
      'resize',
      'resourceClaimStatuses',
      'resources',
      'startTime',
    ]),
  },
  { rules: [primaryIPAgrees] },
);

export const podKind = defineKind<Pod>({
  group: '',
  kind: 'Pod',
  versions: ['v1'],
  namespaced: true,
  name: dnsSubdomain(),
  fields: { spec, status },
  // After the status checks: make podIP and podIPs agree the way the API server's conversion does.
  normalize: (self) => {
    const s = self.status;
    if (s?.podIP !== undefined && s.podIPs?.[0]?.ip !== s.podIP) s.podIPs = [{ ip: s.podIP }];
    else if (s?.podIP === undefined && s?.podIPs?.length) s.podIP = s.podIPs[0].ip;
  },
});
