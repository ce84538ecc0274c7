// EndpointSlice (discovery.k8s.io/v1): the endpoints of a Service (label kubernetes.io/service-name).

import { isIPv4, isIPv6 } from 'node:net';
import { quote } from '../check.ts';
import type { EndpointSlice, EndpointSliceEndpoint, EndpointSlicePort } from '../core.ts';
import { defineKind } from '../kind.ts';
import { dnsLabel, dnsSubdomain, isDnsLabel, isDnsSubdomain, labels, qualifiedName } from '../names.ts';
import { array, boolean, integer, object, preserved, string } from '../schema.ts';

type AddressType = EndpointSlice['addressType'];

const endpoint = object<EndpointSliceEndpoint>(
  {
    addresses: array(string(), { minItems: 1, maxItems: 100 }),
    conditions: object<NonNullable<EndpointSliceEndpoint['conditions']>>({
      ready: boolean(),
      serving: boolean(),
      terminating: boolean(),
    }),
    hostname: dnsLabel(),
    nodeName: string(),
    zone: string(),
    targetRef: preserved(),
    hints: preserved(),
    deprecatedTopology: labels(),
  },
  { required: ['addresses'] },
);

const port = object<EndpointSlicePort>({
  name: string({
    default: '',
    rules: [
      (self, report) => {
        if (self !== '' && !isDnsLabel(self)) {
          report(`invalid value ${quote(self)}: must be empty or a lowercase DNS-1123 label`);
        }
      },
    ],
  }),
  port: integer(),
  protocol: string({ enum: ['TCP', 'UDP', 'SCTP'], default: 'TCP' }),
  appProtocol: qualifiedName(),
});

const addressChecks: Record<AddressType, { valid: (address: string) => boolean; means: string }> = {
  IPv4: { valid: isIPv4, means: 'an IPv4 address' },
  IPv6: { valid: isIPv6, means: 'an IPv6 address' },
  FQDN: { valid: isDnsSubdomain, means: 'a lowercase DNS name' },
};

export const endpointSliceKind = defineKind<EndpointSlice>({
  group: 'discovery.k8s.io',
  kind: 'EndpointSlice',
  versions: ['v1'],
  namespaced: true,
  name: dnsSubdomain(),
  fields: {
    addressType: string({ enum: ['IPv4', 'IPv6', 'FQDN'] }),
    endpoints: array(endpoint, { maxItems: 1000 }),
    ports: array(port, { maxItems: 100, listType: 'map', mapKeys: ['name'] }),
  },
  required: ['addressType'],
  rules: [
    // Unlike the API server, loopback addresses are accepted: standalone backends often run on 127.0.0.1.
    (self, report) => {
      const check = addressChecks[self.addressType];
      self.endpoints?.forEach((e, index) => {
        e.addresses.forEach((address, n) => {
          if (!check.valid(address)) {
            report(
              `invalid address ${quote(address)}: must be ${check.means} for addressType ${self.addressType}`,
              ['endpoints', index, 'addresses', n],
            );
          }
        });
      });
    },
  ],
});
