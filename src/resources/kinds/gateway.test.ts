import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Gateway } from '../gateway-api.ts';
import { admissionCases, admitted } from '../testing.ts';

function gateway(spec: Record<string, unknown>) {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw', namespace: 'infra' },
    spec: { gatewayClassName: 'sluice', ...spec },
  };
}

const http = { name: 'http', port: 80, protocol: 'HTTP' };
const tls = { certificateRefs: [{ name: 'cert' }] };
const https = { name: 'https', port: 443, protocol: 'HTTPS', tls };

function listeners(...items: Record<string, unknown>[]) {
  return gateway({ listeners: items });
}

test('Gateway defaults: allowedRoutes from Same, tls mode Terminate, certificateRef group and kind', () => {
  const object = admitted<Gateway>(
    gateway({
      listeners: [
        http,
        https,
        { ...http, name: 'all', port: 8080, allowedRoutes: { kinds: [{ kind: 'HTTPRoute' }] } },
      ],
      addresses: [{ value: '127.0.0.2' }],
    }),
  );
  const [plain, secure, withKinds] = object.spec.listeners;
  assert.deepEqual(plain.allowedRoutes, { namespaces: { from: 'Same' } });
  assert.deepEqual(secure.tls, {
    certificateRefs: [{ name: 'cert', group: '', kind: 'Secret' }],
    mode: 'Terminate',
  });
  assert.deepEqual(withKinds.allowedRoutes, {
    kinds: [{ kind: 'HTTPRoute', group: 'gateway.networking.k8s.io' }],
    namespaces: { from: 'Same' },
  });
  assert.deepEqual(object.spec.addresses, [{ value: '127.0.0.2', type: 'IPAddress' }]);
});

test('Gateway allowedListeners defaults to from None when set', () => {
  const object = admitted<Gateway>(gateway({ listeners: [http], allowedListeners: {} }));
  assert.deepEqual(object.spec.allowedListeners, { namespaces: { from: 'None' } });
  const selector = { matchLabels: { team: 'a' } };
  const chosen = admitted<Gateway>(
    gateway({ listeners: [http], allowedListeners: { namespaces: { from: 'Selector', selector } } }),
  );
  assert.deepEqual(chosen.spec.allowedListeners, { namespaces: { from: 'Selector', selector } });
});

test('Gateway TLS defaults: client validation mode AllowValidOnly, backend client certificate a Secret', () => {
  const validation = { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca' }] };
  const object = admitted<Gateway>(
    gateway({
      listeners: [https],
      tls: { frontend: { default: { validation } }, backend: { clientCertificateRef: { name: 'client' } } },
    }),
  );
  assert.deepEqual(object.spec.tls, {
    frontend: { default: { validation: { ...validation, mode: 'AllowValidOnly' } } },
    backend: { clientCertificateRef: { name: 'client', group: '', kind: 'Secret' } },
  });
});

admissionCases('Gateway listeners', [
  {
    name: 'HTTP, HTTPS, TLS passthrough, TCP, UDP and a custom protocol',
    manifest: listeners(
      http,
      https,
      { name: 'tls', port: 8443, protocol: 'TLS', hostname: '*.example.com', tls: { mode: 'Passthrough' } },
      { name: 'tcp', port: 9000, protocol: 'TCP' },
      { name: 'udp', port: 9000, protocol: 'UDP' },
      { name: 'custom', port: 9001, protocol: 'example.com/proto' },
    ),
  },
  { name: 'no listeners', manifest: listeners(), problems: ['spec.listeners: must have at least 1 item'] },
  {
    name: 'more than 64 listeners',
    manifest: listeners(
      ...Array.from({ length: 65 }, (_, i) => ({ ...http, name: `l${i}`, port: 1000 + i })),
    ),
    problems: ['spec.listeners: must have at most 64 items, not 65'],
  },
  {
    name: 'tls on HTTP',
    manifest: listeners({ ...http, tls }),
    problems: [
      'spec.listeners[0].tls: must not be set for protocol HTTP; only HTTPS and TLS listeners use tls',
    ],
  },
  {
    name: 'tls on TCP and UDP',
    manifest: listeners(
      { name: 't', port: 1, protocol: 'TCP', tls },
      { name: 'u', port: 1, protocol: 'UDP', tls },
    ),
    problems: [
      'spec.listeners[0].tls: must not be set for protocol TCP',
      'spec.listeners[1].tls: must not be set for protocol UDP',
    ],
  },
  {
    name: 'HTTPS with Passthrough',
    manifest: listeners({ ...https, tls: { mode: 'Passthrough' } }),
    problems: [
      'spec.listeners[0].tls.mode: must be Terminate for protocol HTTPS (use protocol TLS for Passthrough)',
    ],
  },
  {
    name: 'HTTPS without tls is a warning (the CRD leaves it to the controller)',
    manifest: listeners({ ...https, tls: undefined }),
    problems: ['warning spec.listeners[0].tls: an HTTPS listener needs tls.certificateRefs'],
  },
  {
    name: 'Terminate without certificateRefs or options',
    manifest: listeners({ ...https, tls: { mode: 'Terminate' } }),
    problems: ['spec.listeners[0].tls.certificateRefs: mode Terminate needs certificateRefs'],
  },
  {
    name: 'Terminate with options only',
    manifest: listeners({ ...https, tls: { options: { 'example.com/cert': 'x' } } }),
  },
  {
    name: 'TLS without tls',
    manifest: listeners({ name: 'tls', port: 443, protocol: 'TLS' }),
    problems: ['spec.listeners[0].tls: required for protocol TLS'],
  },
  {
    name: 'hostname on TCP',
    manifest: listeners({ name: 'tcp', port: 9000, protocol: 'TCP', hostname: 'example.com' }),
    problems: ['spec.listeners[0].hostname: must not be set for protocol TCP'],
  },
  {
    name: 'duplicate names',
    manifest: listeners(http, { ...http, port: 81 }),
    problems: ['spec.listeners[1]: duplicate entry for name "http"'],
  },
  {
    name: 'same port, protocol and hostname',
    manifest: listeners({ ...http, hostname: 'a.com' }, { ...http, name: 'other', hostname: 'a.com' }),
    problems: [
      'spec.listeners[1]: listener "http" already uses port 80, protocol HTTP and hostname "a.com"; each combination must be unique',
    ],
  },
  {
    name: 'same port and protocol without hostnames',
    manifest: listeners(http, { ...http, name: 'other' }),
    problems: ['spec.listeners[1]: listener "http" already uses port 80, protocol HTTP and no hostname'],
  },
  {
    name: 'same port and protocol, different hostnames',
    manifest: listeners({ ...http, hostname: 'a.com' }, { ...http, name: 'b' }),
  },
  {
    name: 'port, protocol, name and hostname formats',
    manifest: listeners({ name: 'HTTP', port: 0, protocol: 'HT TP', hostname: 'Example.com' }),
    problems: [
      'spec.listeners[0].name: invalid value "HTTP"',
      'spec.listeners[0].port: must be between 1 and 65535, not 0',
      'spec.listeners[0].protocol: invalid value "HT TP": must be HTTP, HTTPS, TLS, TCP, UDP or a domain-prefixed protocol',
      'spec.listeners[0].hostname: invalid value "Example.com"',
    ],
  },
  {
    name: 'missing name, port and protocol',
    manifest: listeners({}),
    problems: [
      'spec.listeners[0].name: required field is missing',
      'spec.listeners[0].port: required field is missing',
      'spec.listeners[0].protocol: required field is missing',
    ],
  },
]);

admissionCases('Gateway allowedRoutes', [
  {
    name: 'a namespace selector',
    manifest: listeners({
      ...http,
      allowedRoutes: {
        namespaces: {
          from: 'Selector',
          selector: {
            matchLabels: { 'kubernetes.io/metadata.name': 'apps' },
            matchExpressions: [
              { key: 'team', operator: 'In', values: ['a'] },
              { key: 'x', operator: 'Exists' },
            ],
          },
        },
      },
    }),
  },
  {
    name: 'from outside the enum',
    manifest: listeners({ ...http, allowedRoutes: { namespaces: { from: 'None' } } }),
    problems: [
      'spec.listeners[0].allowedRoutes.namespaces.from: unsupported value "None"; must be one of: "All", "Selector", "Same"',
    ],
  },
  {
    name: 'selector shape',
    manifest: listeners({
      ...http,
      allowedRoutes: {
        namespaces: {
          from: 'Selector',
          selector: {
            matchLabels: { 'bad key!': 'v' },
            matchExpressions: [
              { key: 'a', operator: 'Equals' },
              { key: 'b', operator: 'In' },
              { key: 'c', operator: 'DoesNotExist', values: ['x'] },
            ],
          },
        },
      },
    }),
    problems: [
      'spec.listeners[0].allowedRoutes.namespaces.selector.matchLabels["bad key!"]: invalid key "bad key!"',
      'spec.listeners[0].allowedRoutes.namespaces.selector.matchExpressions[0].operator: unsupported value "Equals"; must be one of: "In", "NotIn", "Exists", "DoesNotExist"',
      'spec.listeners[0].allowedRoutes.namespaces.selector.matchExpressions[1].values: must have at least one value when operator is In',
      'spec.listeners[0].allowedRoutes.namespaces.selector.matchExpressions[2].values: must be empty when operator is DoesNotExist',
    ],
  },
  {
    name: 'kinds without kind, more than 8',
    manifest: listeners({
      ...http,
      allowedRoutes: { kinds: [{ group: 'x' }, ...Array.from({ length: 8 }, () => ({ kind: 'HTTPRoute' }))] },
    }),
    problems: [
      'spec.listeners[0].allowedRoutes.kinds: must have at most 8 items, not 9',
      'spec.listeners[0].allowedRoutes.kinds[0].kind: required field is missing',
    ],
  },
]);

admissionCases('Gateway addresses, infrastructure and TLS', [
  {
    name: 'addresses of each type',
    manifest: gateway({
      listeners: [http],
      addresses: [
        { value: '10.0.0.1' },
        { type: 'IPAddress', value: '::1' },
        { type: 'Hostname', value: 'gw.example.com' },
        { type: 'NamedAddress', value: 'Any Thing' },
        { type: 'IPAddress' },
      ],
    }),
  },
  {
    name: 'an IPAddress that is not an IP',
    manifest: gateway({ listeners: [http], addresses: [{ value: 'example.com' }] }),
    problems: [
      'spec.addresses[0].value: invalid value "example.com": must be an IPv4 or IPv6 address for type IPAddress',
    ],
  },
  {
    name: 'a Hostname that is not a hostname',
    manifest: gateway({ listeners: [http], addresses: [{ type: 'Hostname', value: 'Gw_1' }] }),
    problems: [
      'spec.addresses[0].value: invalid value "Gw_1": must be a lowercase hostname for type Hostname',
    ],
  },
  {
    name: 'a repeated IP address and hostname',
    manifest: gateway({
      listeners: [http],
      addresses: [
        { value: '10.0.0.1' },
        { value: '10.0.0.1' },
        { type: 'Hostname', value: 'a.b' },
        { type: 'Hostname', value: 'a.b' },
      ],
    }),
    problems: [
      'spec.addresses[1].value: IPAddress values must be unique',
      'spec.addresses[3].value: Hostname values must be unique',
    ],
  },
  {
    name: 'an address type that is not a type',
    manifest: gateway({ listeners: [http], addresses: [{ type: 'ip address' }] }),
    problems: [
      'spec.addresses[0].type: invalid value "ip address": must be IPAddress, Hostname, NamedAddress',
    ],
  },
  {
    name: 'infrastructure labels and annotations',
    manifest: gateway({
      listeners: [http],
      infrastructure: {
        labels: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`l${i}`, 'v'])),
        annotations: { '-bad': 'x' },
        parametersRef: { group: '', kind: 'ConfigMap', name: 'params' },
      },
    }),
    problems: [
      'spec.infrastructure.labels: must have at most 8 entries, not 9',
      'spec.infrastructure.annotations["-bad"]: invalid key "-bad"',
    ],
  },
  {
    name: 'frontend client validation per port',
    manifest: gateway({
      listeners: [https],
      tls: {
        frontend: {
          default: { validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca' }] } },
          perPort: [
            {
              port: 443,
              tls: {
                validation: {
                  caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca2' }],
                  mode: 'AllowInsecureFallback',
                },
              },
            },
          ],
        },
        backend: { clientCertificateRef: { name: 'client' } },
      },
    }),
  },
  {
    name: 'frontend TLS with a repeated port and no CA',
    manifest: gateway({
      listeners: [https],
      tls: {
        frontend: {
          default: {},
          perPort: [
            { port: 443, tls: {} },
            { port: 443, tls: { validation: { caCertificateRefs: [] } } },
          ],
        },
      },
    }),
    problems: [
      'spec.tls.frontend.perPort[1].tls.validation.caCertificateRefs: must have at least 1 item',
      'spec.tls.frontend.perPort[1]: duplicate entry for port 443',
    ],
  },
  {
    name: 'frontend TLS without default, a CA reference without group or kind, an unknown mode',
    manifest: gateway({
      listeners: [https],
      tls: {
        frontend: {
          perPort: [
            {
              port: 443,
              tls: { validation: { caCertificateRefs: [{ name: 'ca' }], mode: 'AllowAll' } },
            },
          ],
        },
      },
    }),
    problems: [
      'spec.tls.frontend.perPort[0].tls.validation.caCertificateRefs[0].group: required field is missing',
      'spec.tls.frontend.perPort[0].tls.validation.caCertificateRefs[0].kind: required field is missing',
      'spec.tls.frontend.perPort[0].tls.validation.mode: unsupported value "AllowAll"; must be one of: "AllowValidOnly", "AllowInsecureFallback"',
      'spec.tls.frontend.default: required field is missing',
    ],
  },
  {
    name: 'a perPort entry without port or tls, a backend certificate without name',
    manifest: gateway({
      listeners: [https],
      tls: { frontend: { default: {}, perPort: [{}] }, backend: { clientCertificateRef: {} } },
    }),
    problems: [
      'spec.tls.frontend.perPort[0].port: required field is missing',
      'spec.tls.frontend.perPort[0].tls: required field is missing',
      'spec.tls.backend.clientCertificateRef.name: required field is missing',
    ],
  },
  {
    name: 'allowedListeners from outside the enum',
    manifest: gateway({ listeners: [http], allowedListeners: { namespaces: { from: 'Other' } } }),
    problems: [
      'spec.allowedListeners.namespaces.from: unsupported value "Other"; must be one of: "All", "Selector", "Same", "None"',
    ],
  },
  {
    name: 'no gatewayClassName',
    manifest: { ...gateway({ listeners: [http] }), spec: { listeners: [http] } },
    problems: ['spec.gatewayClassName: required field is missing'],
  },
]);
