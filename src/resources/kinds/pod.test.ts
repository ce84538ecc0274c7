import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../core.ts';
import { admissionCases, admitted } from '../testing.ts';

const vllm = { name: 'vllm', image: 'vllm/vllm-openai:latest' };

function pod(fields: Record<string, unknown>, name = 'qwen-0') {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'qwen' } },
    spec: { containers: [vllm] },
    ...fields,
  };
}

function withStatus(status: Record<string, unknown>) {
  return pod({ status });
}

function withContainer(container: Record<string, unknown>) {
  return pod({ spec: { containers: [{ ...vllm, ...container }] } });
}

test('Pod status written in the file is kept (it is the input); podIPs follows podIP; port protocol TCP', () => {
  const object = admitted<Pod>(
    pod({
      spec: { containers: [{ ...vllm, ports: [{ name: 'http', containerPort: 8000 }] }] },
      status: {
        phase: 'Running',
        podIP: '10.0.0.7',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-01-31T12:00:00Z' }],
      },
    }),
  );
  assert.deepEqual(object.spec.containers[0].ports, [{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
  assert.deepEqual(object.status, {
    phase: 'Running',
    podIP: '10.0.0.7',
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-01-31T12:00:00Z' }],
    podIPs: [{ ip: '10.0.0.7' }],
  });
});

test('Pod podIP follows podIPs[0]; a Pod without status has none', () => {
  const dual = admitted<Pod>(withStatus({ podIPs: [{ ip: 'fd00::7' }, { ip: '10.0.0.7' }] }));
  assert.equal(dual.status?.podIP, 'fd00::7');
  assert.equal(admitted<Pod>(pod({})).status, undefined);
});

test('Pod podIP wins over a different podIPs[0], as in Kubernetes', () => {
  const object = admitted<Pod>(
    withStatus({ podIP: '10.0.0.7', podIPs: [{ ip: '10.0.0.8' }, { ip: 'fd00::8' }] }),
  );
  assert.deepEqual(object.status?.podIPs, [{ ip: '10.0.0.7' }]);
});

test('Pod fields Sluice does not read are kept as written', () => {
  const exported = pod({
    spec: {
      containers: [{ ...vllm, args: ['--port', '8000'], resources: { limits: { 'nvidia.com/gpu': 1 } } }],
      initContainers: [{ name: 'sidecar', image: 'proxy', restartPolicy: 'Always' }],
      nodeName: 'gpu-1',
      volumes: [{ name: 'cache', emptyDir: {} }],
    },
    status: {
      hostIP: '192.168.1.5',
      startTime: '2025-01-31T12:00:00Z',
      containerStatuses: [{ name: 'vllm' }],
    },
  });
  assert.deepEqual(admitted<Pod>(exported).spec, exported.spec);
});

admissionCases('Pod', [
  { name: 'a loopback pod IP (a standalone model server)', manifest: withStatus({ podIP: '127.0.0.1' }) },
  { name: 'a name with dots', manifest: pod({}, 'qwen-0.gpu-a') },
  {
    name: 'names are DNS subdomains',
    manifest: pod({}, 'Qwen_0'),
    problems: ['metadata.name: invalid value "Qwen_0": must be a lowercase DNS-1123 subdomain'],
  },
  {
    name: 'containers are required',
    manifest: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, status: { podIP: '10.0.0.1' } },
    problems: ['spec.containers: required field is missing'],
  },
  {
    name: 'at least one container',
    manifest: pod({ spec: { containers: [] } }),
    problems: ['spec.containers: must have at least 1 item'],
  },
]);

admissionCases('Pod containers', [
  {
    name: 'name and image are required',
    manifest: pod({ spec: { containers: [{}] } }),
    problems: [
      'spec.containers[0].name: required field is missing',
      'spec.containers[0].image: required field is missing',
    ],
  },
  {
    name: 'name is a DNS label; image is not empty and not padded',
    manifest: pod({
      spec: {
        containers: [
          { name: 'vLLM', image: '' },
          { name: 'b', image: ' vllm ' },
        ],
      },
    }),
    problems: [
      'spec.containers[0].name: invalid value "vLLM": must be a lowercase DNS-1123 label',
      'spec.containers[0].image: must not be empty',
      'spec.containers[1].image: must not have leading or trailing whitespace',
    ],
  },
  {
    name: 'names are unique across init containers and containers',
    manifest: pod({ spec: { initContainers: [{ name: 'vllm', image: 'a' }], containers: [vllm, vllm] } }),
    problems: [
      'spec.containers[0].name: duplicate container name "vllm"',
      'spec.containers[1].name: duplicate container name "vllm"',
    ],
  },
  {
    name: 'the same port name in two containers is fine',
    manifest: pod({
      spec: {
        containers: [
          { ...vllm, ports: [{ name: 'http', containerPort: 8000 }] },
          { name: 'proxy', image: 'proxy', ports: [{ name: 'http', containerPort: 8200 }] },
        ],
      },
    }),
  },
  {
    name: 'port numbers, protocol and names',
    manifest: withContainer({
      ports: [
        { name: 'http', containerPort: 8000, hostPort: 0 },
        {},
        { containerPort: 70000, hostPort: 70000 },
        { name: 'http', containerPort: 8001, protocol: 'tcp' },
        { name: 'http--x', containerPort: 8002 },
      ],
    }),
    problems: [
      'spec.containers[0].ports[1].containerPort: required field is missing',
      'spec.containers[0].ports[2].containerPort: must be between 1 and 65535, not 70000',
      'spec.containers[0].ports[2].hostPort: must be between 0 and 65535, not 70000',
      'spec.containers[0].ports[3].protocol: unsupported value "tcp"; must be one of: "TCP", "UDP", "SCTP"',
      'spec.containers[0].ports[4].name: invalid port name "http--x"',
    ],
  },
  {
    name: 'port names are unique within a container',
    manifest: withContainer({
      ports: [
        { name: 'http', containerPort: 8000 },
        { name: 'http', containerPort: 8001 },
      ],
    }),
    problems: ['spec.containers[0].ports[1].name: duplicate port name "http" in this container'],
  },
]);

admissionCases('Pod status', [
  {
    name: 'dual stack, readiness gate conditions, every phase',
    manifest: withStatus({
      phase: 'Pending',
      podIPs: [{ ip: '10.0.0.7' }, { ip: 'fd00::7' }],
      conditions: [
        { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
        { type: 'example.com/warm', status: 'Unknown' },
      ],
    }),
  },
  {
    name: 'IP addresses',
    manifest: withStatus({ podIP: '10.0.0.256', podIPs: [{ ip: 'pod-a' }, {}] }),
    problems: [
      'status.podIP: invalid value "10.0.0.256": must be an IPv4 or IPv6 address',
      'status.podIPs[0].ip: invalid value "pod-a": must be an IPv4 or IPv6 address',
      'status.podIPs[1].ip: required field is missing',
    ],
  },
  {
    name: 'at most one IP per family',
    manifest: withStatus({ podIPs: [{ ip: '10.0.0.7' }, { ip: '10.0.0.8' }] }),
    problems: ['status.podIPs: may hold at most one IPv4 and one IPv6 address'],
  },
  {
    name: 'at most two IPs',
    manifest: withStatus({ podIPs: [{ ip: '10.0.0.7' }, { ip: 'fd00::7' }, { ip: 'fd00::8' }] }),
    problems: ['status.podIPs: may hold at most one IPv4 and one IPv6 address'],
  },
  {
    name: 'podIPs[0] different from podIP is a warning',
    manifest: withStatus({ podIP: '10.0.0.7', podIPs: [{ ip: '10.0.0.8' }] }),
    problems: [
      'warning status.podIPs[0].ip: differs from podIP "10.0.0.7"; as in Kubernetes, podIP wins and podIPs becomes [podIP]',
    ],
  },
  {
    name: 'phase values',
    manifest: withStatus({ phase: 'Ready' }),
    problems: [
      'status.phase: unsupported value "Ready"; must be one of: "Pending", "Running", "Succeeded", "Failed", "Unknown"',
    ],
  },
  {
    name: 'condition type and status are required',
    manifest: withStatus({ conditions: [{}] }),
    problems: [
      'status.conditions[0].type: required field is missing',
      'status.conditions[0].status: required field is missing',
    ],
  },
  {
    name: 'condition status is "True", "False" or "Unknown" (quoted: YAML reads True as a boolean)',
    manifest: withStatus({
      conditions: [
        { type: 'Ready', status: true },
        { type: 'Initialized', status: 'yes' },
      ],
    }),
    problems: [
      'status.conditions[0].status: must be a string, not the boolean true (quote it in YAML to make it a string)',
      'status.conditions[1].status: unsupported value "yes"; must be one of: "True", "False", "Unknown"',
    ],
  },
  {
    name: 'condition types are qualified names, each once',
    manifest: withStatus({
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'Ready', status: 'False' },
        { type: 'not ready', status: 'True' },
      ],
    }),
    problems: [
      'status.conditions[2].type: invalid value "not ready": must be a qualified name',
      'status.conditions[1]: duplicate entry for type "Ready"',
    ],
  },
]);
