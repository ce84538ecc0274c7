// Gateway (gateway.networking.k8s.io): schema, defaults and address, infrastructure and TLS rules of the v1.6
// standard CRD (listeners are in listener.ts, shared with ListenerSet).

import { isIP } from 'node:net';
import { quote } from '../check.ts';
import {
  type AllowedListeners,
  type FrontendTLSValidation,
  GATEWAY_GROUP,
  type Gateway,
  type GatewaySpec,
  type GatewaySpecAddress,
  type GatewayTLS,
  type ObjectReference,
  type TLSConfig,
} from '../gateway-api.ts';
import {
  group,
  hostnamePattern,
  kind,
  labelSelector,
  localObjectReference,
  namespace,
  objectName,
  portNumber,
  secretObjectReference,
} from '../gateway-shared.ts';
import { defineKind } from '../kind.ts';
import { dnsSubdomain, labelValue, qualifiedNameProblem } from '../names.ts';
import { array, dropped, map, object, type Rule, string } from '../schema.ts';
import { listenerList } from './listener.ts';

const addressType = string({
  minLength: 1,
  maxLength: 253,
  default: 'IPAddress',
  // As in the CRD: the first alternatives are not anchored at both ends.
  pattern:
    /^Hostname|IPAddress|NamedAddress|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/,
  patternMeans: 'IPAddress, Hostname, NamedAddress or a domain-prefixed type such as "example.com/type"',
});

const address = object<GatewaySpecAddress>(
  { type: addressType, value: string({ maxLength: 253 }) },
  {
    rules: [
      (self, report) => {
        if (self.value === undefined) return;
        if (self.type === 'IPAddress' && !isIP(self.value)) {
          report(`invalid value ${quote(self.value)}: must be an IPv4 or IPv6 address for type IPAddress`, [
            'value',
          ]);
        }
        if (self.type === 'Hostname' && !hostnamePattern.test(self.value)) {
          report(`invalid value ${quote(self.value)}: must be a lowercase hostname for type Hostname`, [
            'value',
          ]);
        }
      },
    ],
  },
);

const uniqueAddresses: Rule<GatewaySpecAddress[]> = (addresses, report) => {
  addresses.forEach((a, index) => {
    if ((a.type !== 'IPAddress' && a.type !== 'Hostname') || a.value === undefined) return;
    const first = addresses.findIndex((other) => other.type === a.type && other.value === a.value);
    if (first < index)
      report(`${a.type} values must be unique; ${quote(a.value)} is listed twice`, [index, 'value']);
  });
};

const infrastructure = object<NonNullable<GatewaySpec['infrastructure']>>({
  labels: map<string>(labelValue(), { maxProperties: 8, keyProblem: qualifiedNameProblem }),
  annotations: map<string>(string({ maxLength: 4096 }), {
    maxProperties: 16,
    keyProblem: qualifiedNameProblem,
  }),
  parametersRef: localObjectReference(),
});

const allowedListeners = object<AllowedListeners>({
  namespaces: object<NonNullable<AllowedListeners['namespaces']>>(
    {
      from: string({ enum: ['All', 'Selector', 'Same', 'None'], default: 'None' }),
      selector: labelSelector(),
    },
    { default: { from: 'None' } },
  ),
});

const tlsConfig = object<TLSConfig>({
  validation: object<FrontendTLSValidation>(
    {
      caCertificateRefs: array(
        object<ObjectReference>(
          { group: group(), kind: kind(), name: objectName(), namespace: namespace() },
          { required: ['group', 'kind', 'name'] },
        ),
        { minItems: 1, maxItems: 16 },
      ),
      mode: string({ enum: ['AllowValidOnly', 'AllowInsecureFallback'], default: 'AllowValidOnly' }),
    },
    { required: ['caCertificateRefs'] },
  ),
});

type FrontendTLS = NonNullable<GatewayTLS['frontend']>;
type PerPortTLS = NonNullable<FrontendTLS['perPort']>[number];

const gatewayTLS = object<GatewayTLS>({
  backend: object<NonNullable<GatewayTLS['backend']>>({ clientCertificateRef: secretObjectReference() }),
  frontend: object<FrontendTLS>(
    {
      default: tlsConfig,
      perPort: array(
        object<PerPortTLS>({ port: portNumber(), tls: tlsConfig }, { required: ['port', 'tls'] }),
        {
          maxItems: 64,
          listType: 'map',
          mapKeys: ['port'],
        },
      ),
    },
    { required: ['default'] },
  ),
});

const spec = object<GatewaySpec>(
  {
    gatewayClassName: objectName(),
    listeners: listenerList(),
    addresses: array(address, { maxItems: 16, rules: [uniqueAddresses] }),
    infrastructure,
    allowedListeners,
    tls: gatewayTLS,
  },
  { required: ['gatewayClassName', 'listeners'] },
);

export const gatewayKind = defineKind<Gateway>({
  group: GATEWAY_GROUP,
  kind: 'Gateway',
  versions: ['v1', 'v1beta1'],
  namespaced: true,
  name: dnsSubdomain(),
  fields: { spec, status: dropped() },
  required: ['spec'],
});
