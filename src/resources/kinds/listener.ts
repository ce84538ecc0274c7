// Listeners as Gateways and ListenerSets declare them (`Listener` / `ListenerEntry` of the v1.6 CRDs): schema,
// defaults (allowedRoutes from Same, tls mode Terminate) and the CEL rules on a listener list.

import { quote } from '../check.ts';
import {
  type AllowedRoutes,
  GATEWAY_GROUP,
  type GatewayTLSConfig,
  type Listener,
  type RouteGroupKind,
} from '../gateway-api.ts';
import {
  group,
  hostname,
  kind,
  labelSelector,
  portNumber,
  secretObjectReference,
  sectionName,
} from '../gateway-shared.ts';
import { type ArraySchema, array, map, object, type Rule, string, withDefault } from '../schema.ts';

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

/** `listeners` of a Gateway or a ListenerSet: 1 to 64, unique by name and by (port, protocol, hostname). */
export function listenerList(): ArraySchema {
  return array<Listener>(listener, {
    minItems: 1,
    maxItems: 64,
    listType: 'map',
    mapKeys: ['name'],
    rules: [listenerRules],
  });
}
