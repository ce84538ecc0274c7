// Gateway (gateway.networking.k8s.io): schema, defaults and listener/address rules of the v1.6 standard CRD.

import { isIP } from 'node:net';
import { quote } from '../check.ts';
import {
  type AllowedListeners,
  type AllowedRoutes,
  type FrontendTLSValidation,
  GATEWAY_GROUP,
  type Gateway,
  type GatewaySpec,
  type GatewaySpecAddress,
  type GatewayTLS,
  type GatewayTLSConfig,
  type Listener,
  type ObjectReference,
  type RouteGroupKind,
  type TLSConfig,
} from '../gateway-api.ts';
import {
  group,
  hostname,
  hostnamePattern,
  kind,
  labelSelector,
  localObjectReference,
  namespace,
  objectName,
  portNumber,
  secretObjectReference,
  sectionName,
} from '../gateway-shared.ts';
import { defineKind } from '../kind.ts';
import { dnsSubdomain, labelValue, qualifiedNameProblem } from '../names.ts';
import { array, dropped, map, object, type Rule, string, withDefault } from '../schema.ts';

const listenerTLS = object<GatewayTLSConfig>(
  {
    mode: string({ enum: ['Terminate', 'Passthrough'], default: 'Terminate' }),
    certificateRefs: array(secretObjectReference(), { maxItems: 64 }),
    options: map<string>(string({ maxLength: 4096 }), { maxProperties: 16 }),
  },
  {
    rules: [
      (self, report) => {
        const certificates = self.certificateRefs?.length ?? 0;
        const options = Object.keys(self.options ?? {}).length;
        if (self.mode === 'Terminate' && certificates === 0 && options === 0) {
          report(
            'mode Terminate needs certificateRefs (the Secret with the certificate and key) or options',
            ['certificateRefs'],
          );
        }
      },
    ],
  },
);

const allowedRoutes = object<AllowedRoutes>(
  {
    namespaces: object<NonNullable<AllowedRoutes['namespaces']>>(
      {
        from: string({ enum: ['All', 'Selector', 'Same'], default: 'Same' }),
        selector: labelSelector(),
      },
      { default: { from: 'Same' } },
    ),
    kinds: array(
      object<RouteGroupKind>(
        { group: withDefault(group(), GATEWAY_GROUP), kind: kind() },
        { required: ['kind'] },
      ),
      { maxItems: 8 },
    ),
  },
  { default: { namespaces: { from: 'Same' } } },
);

const listener = object<Listener>(
  {
    name: sectionName(),
    hostname: hostname(),
    port: portNumber(),
    protocol: string({
      minLength: 1,
      maxLength: 255,
      pattern:
        /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9]+$/,
      patternMeans: 'HTTP, HTTPS, TLS, TCP, UDP or a domain-prefixed protocol such as "example.com/proto"',
    }),
    tls: listenerTLS,
    allowedRoutes,
  },
  { required: ['name', 'port', 'protocol'] },
);

const listenerRules: Rule<Listener[]> = (listeners, report) => {
  listeners.forEach((l, index) => {
    if (['HTTP', 'TCP', 'UDP'].includes(l.protocol) && l.tls) {
      report(`must not be set for protocol ${l.protocol}; only HTTPS and TLS listeners use tls`, [
        index,
        'tls',
      ]);
    }
    if (l.protocol === 'HTTPS' && l.tls && l.tls.mode !== 'Terminate') {
      report('must be Terminate for protocol HTTPS (use protocol TLS for Passthrough)', [
        index,
        'tls',
        'mode',
      ]);
    }
    if (l.protocol === 'HTTPS' && !l.tls) {
      report(
        'an HTTPS listener needs tls.certificateRefs; without a certificate it will not be programmed',
        [index, 'tls'],
        'warning',
      );
    }
    if (l.protocol === 'TLS' && !l.tls) {
      report('required for protocol TLS, with mode Passthrough or Terminate', [index, 'tls']);
    }
    if ((l.protocol === 'TCP' || l.protocol === 'UDP') && l.hostname !== undefined) {
      report(`must not be set for protocol ${l.protocol}`, [index, 'hostname']);
    }
    const twin = listeners.findIndex(
      (other) => other.port === l.port && other.protocol === l.protocol && other.hostname === l.hostname,
    );
    if (twin < index) {
      const where = `port ${l.port}, protocol ${l.protocol} and ${l.hostname === undefined ? 'no hostname' : `hostname ${quote(l.hostname)}`}`;
      report(
        `listener ${quote(listeners[twin].name)} already uses ${where}; each combination must be unique`,
        [index],
      );
    }
  });
};

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
    listeners: array(listener, {
      minItems: 1,
      maxItems: 64,
      listType: 'map',
      mapKeys: ['name'],
      rules: [listenerRules],
    }),
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
