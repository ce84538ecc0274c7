import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Service } from '../core.ts';
import { admissionCases, admitted } from '../testing.ts';

function service(spec: unknown, name = 'echo') {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec };
}

test('Service defaults: type ClusterIP, protocol TCP, targetPort = port; unused fields are kept', () => {
  const object = admitted<Service>(
    service({ selector: { app: 'echo' }, ports: [{ port: 8080 }], sessionAffinity: 'None' }),
  );
  assert.deepEqual(object.spec, {
    selector: { app: 'echo' },
    ports: [{ port: 8080, protocol: 'TCP', targetPort: 8080 }],
    sessionAffinity: 'None',
    type: 'ClusterIP',
  });
});

admissionCases('Service', [
  {
    name: 'named ports with named and numbered targets and an appProtocol',
    manifest: service({
      ports: [
        { name: 'http', port: 80, targetPort: 'http-alt' },
        { name: 'h2c', port: 81, targetPort: 3001, appProtocol: 'kubernetes.io/h2c' },
        { name: 'dns', port: 80, protocol: 'UDP' },
      ],
    }),
  },
  {
    name: 'appProtocol values the Gateway API conformance suite uses',
    manifest: service({
      ports: [
        { name: 'https', port: 443, appProtocol: 'HTTPS' },
        { name: 'h2c', port: 8080, appProtocol: 'kubernetes.io/h2c' },
        { name: 'ws', port: 8081, appProtocol: 'kubernetes.io/ws' },
        { name: 'wss', port: 8443, appProtocol: 'kubernetes.io/wss' },
      ],
    }),
  },
  {
    name: 'an appProtocol that is not a qualified name',
    manifest: service({
      ports: [
        { port: 80, appProtocol: 'http 2' },
        { name: 'b', port: 81, appProtocol: '/h2c' },
      ],
    }),
    problems: [
      'spec.ports[0].appProtocol: invalid value "http 2"',
      'spec.ports[1].appProtocol: invalid value "/h2c"',
    ],
  },
  { name: 'headless without ports', manifest: service({ clusterIP: 'None' }) },
  { name: 'ExternalName', manifest: service({ type: 'ExternalName', externalName: 'api.example.com.' }) },
  {
    name: 'no spec',
    manifest: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' } },
    problems: ['spec.ports: at least one port is required'],
  },
  {
    name: 'name must be a DNS-1035 label',
    manifest: service({ ports: [{ port: 80 }] }, '1-echo'),
    problems: ['metadata.name: invalid value "1-echo": must be a lowercase DNS-1035 label'],
  },
  {
    name: 'port numbers and target ports',
    manifest: service({
      ports: [
        { name: 'a', port: 0 },
        { name: 'b', port: 80, targetPort: 70000 },
        { name: 'c', port: 81, targetPort: 'http--x' },
      ],
    }),
    problems: [
      'spec.ports[0].port: must be between 1 and 65535, not 0',
      'spec.ports[1].targetPort: must be between 1 and 65535 or a port name, not 70000',
      'spec.ports[2].targetPort: invalid port name "http--x"',
    ],
  },
  {
    name: 'several ports need names, unique ones, and unique port/protocol',
    manifest: service({ ports: [{ port: 80 }, { name: 'a', port: 81 }, { name: 'a', port: 80 }] }),
    problems: [
      'spec.ports[0].name: required when a Service has more than one port',
      'spec.ports[2].name: duplicate port name "a"',
      'spec.ports[2].port: duplicate port 80/TCP',
    ],
  },
  {
    name: 'protocol, type and clusterIP values',
    manifest: service({ type: 'Internal', clusterIP: 'ten', ports: [{ port: 80, protocol: 'tcp' }] }),
    problems: [
      'spec.type: unsupported value "Internal"; must be one of: "ClusterIP", "NodePort", "LoadBalancer", "ExternalName"',
      'spec.ports[0].protocol: unsupported value "tcp"; must be one of: "TCP", "UDP", "SCTP"',
    ],
  },
  {
    name: 'clusterIP must be an IP',
    manifest: service({ clusterIP: 'ten', ports: [{ port: 80 }] }),
    problems: ['spec.clusterIP: invalid value "ten": must be empty, "None" or an IP address'],
  },
  {
    name: 'ExternalName without a name',
    manifest: service({ type: 'ExternalName' }),
    problems: ['spec.externalName: required for type ExternalName'],
  },
  {
    name: 'nodePort on a ClusterIP Service',
    manifest: service({ ports: [{ port: 80, nodePort: 30080 }] }),
    problems: ['spec.ports[0].nodePort: may not be used when type is ClusterIP'],
  },
]);
