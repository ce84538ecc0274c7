import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EndpointSlice } from '../core.ts';
import { admissionCases, admitted } from '../testing.ts';

function slice(fields: Record<string, unknown>) {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'echo-1', labels: { 'kubernetes.io/service-name': 'echo' } },
    addressType: 'IPv4',
    ...fields,
  };
}

test('EndpointSlice port defaults: name "" and protocol TCP; loopback addresses are accepted', () => {
  const object = admitted<EndpointSlice>(
    slice({
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
      ports: [{ port: 3000 }],
    }),
  );
  assert.deepEqual(object.ports, [{ port: 3000, name: '', protocol: 'TCP' }]);
  assert.deepEqual(object.endpoints, [{ addresses: ['127.0.0.1'], conditions: { ready: true } }]);
});

admissionCases('EndpointSlice', [
  { name: 'IPv6', manifest: slice({ addressType: 'IPv6', endpoints: [{ addresses: ['::1'] }] }) },
  {
    name: 'FQDN',
    manifest: slice({
      addressType: 'FQDN',
      endpoints: [{ addresses: ['backend.example.com'], hostname: 'b0' }],
    }),
  },
  {
    name: 'an address of the wrong family',
    manifest: slice({ endpoints: [{ addresses: ['10.0.0.1', '::1'] }] }),
    problems: [
      'endpoints[0].addresses[1]: invalid address "::1": must be an IPv4 address for addressType IPv4',
    ],
  },
  {
    name: 'no addressType, an endpoint without addresses',
    manifest: { ...slice({ endpoints: [{ addresses: [] }] }), addressType: undefined },
    problems: ['endpoints[0].addresses: must have at least 1 item', 'addressType: required field is missing'],
  },
  {
    name: 'an unknown addressType',
    manifest: slice({ addressType: 'IP' }),
    problems: ['addressType: unsupported value "IP"; must be one of: "IPv4", "IPv6", "FQDN"'],
  },
  {
    name: 'port names: format and uniqueness',
    manifest: slice({
      ports: [
        { name: 'HTTP', port: 80 },
        { name: 'a', port: 81 },
        { name: 'a', port: 82 },
      ],
    }),
    problems: [
      'ports[0].name: invalid value "HTTP": must be empty or a lowercase DNS-1123 label',
      'ports[2]: duplicate entry for name "a"',
    ],
  },
]);
