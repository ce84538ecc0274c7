import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GRPCRoute } from '../gateway-api.ts';
import { admissionCases, admitted } from '../testing.ts';

function route(spec: unknown, apiVersion = 'gateway.networking.k8s.io/v1') {
  return { apiVersion, kind: 'GRPCRoute', metadata: { name: 'grpc' }, spec };
}

const backend = { name: 'greeter', port: 50051 };

/** A route with one rule (a backend added unless the rule says otherwise). */
function withRule(rule: Record<string, unknown>) {
  return route({ parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [backend], ...rule }] });
}

function withMethod(method: Record<string, unknown>) {
  return withRule({ matches: [{ method }] });
}

function withFilters(filters: unknown[]) {
  return withRule({ filters });
}

const setHeader = (type: 'RequestHeaderModifier' | 'ResponseHeaderModifier', value = 'b') => ({
  type,
  [type === 'RequestHeaderModifier' ? 'requestHeaderModifier' : 'responseHeaderModifier']: {
    set: [{ name: 'a', value }],
  },
});
const mirror = (extra: Record<string, unknown> = {}) => ({
  type: 'RequestMirror',
  requestMirror: { backendRef: { name: 'mirror', port: 50051 }, ...extra },
});
const extension = (name: string) => ({
  type: 'ExtensionRef',
  extensionRef: { group: 'example.com', kind: 'Thing', name },
});

test('GRPCRoute defaults: method and header match type Exact, backend and parent refs; no default rule', () => {
  const object = admitted<GRPCRoute>(
    withRule({
      matches: [{ method: { service: 'helloworld.Greeter' }, headers: [{ name: 'version', value: 'two' }] }],
      filters: [mirror({ fraction: { numerator: 1 } })],
    }),
  );
  assert.deepEqual(object.spec.parentRefs, [
    { name: 'gw', group: 'gateway.networking.k8s.io', kind: 'Gateway' },
  ]);
  const rule = object.spec.rules?.[0];
  assert.deepEqual(rule?.matches, [
    {
      method: { service: 'helloworld.Greeter', type: 'Exact' },
      headers: [{ name: 'version', value: 'two', type: 'Exact' }],
    },
  ]);
  assert.deepEqual(rule?.backendRefs, [
    { name: 'greeter', port: 50051, group: '', kind: 'Service', weight: 1 },
  ]);
  assert.deepEqual(rule?.filters?.[0].requestMirror, {
    backendRef: { name: 'mirror', port: 50051, group: '', kind: 'Service' },
    fraction: { numerator: 1, denominator: 100 },
  });
  assert.deepEqual(admitted<GRPCRoute>(route({})).spec, {});
  assert.deepEqual(admitted<GRPCRoute>(route({ rules: [{}] })).spec.rules, [{}]);
});

test('GRPCRoute sessionPersistence defaults to a session cookie', () => {
  const object = admitted<GRPCRoute>(withRule({ sessionPersistence: { cookieConfig: {} } }));
  assert.deepEqual(object.spec.rules?.[0].sessionPersistence, {
    cookieConfig: { lifetimeType: 'Session' },
    type: 'Cookie',
  });
});

admissionCases('GRPCRoute kind', [
  {
    name: 'only v1 is served',
    manifest: route({}, 'gateway.networking.k8s.io/v1alpha2'),
    problems: ['apiVersion: GRPCRoute is served as "gateway.networking.k8s.io/v1", not'],
  },
  {
    name: 'spec is required',
    manifest: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GRPCRoute', metadata: { name: 'a' } },
    problems: ['spec: required field is missing'],
  },
]);

admissionCases('GRPCRoute method matches', [
  { name: 'service only', manifest: withMethod({ service: 'foo.Test.Example' }) },
  { name: 'method only', manifest: withMethod({ method: 'Login' }) },
  { name: 'service and method', manifest: withMethod({ type: 'Exact', service: 'a.B', method: 'Say_Hi2' }) },
  { name: 'a service with a leading dot', manifest: withMethod({ service: '.foo.Test.Example' }) },
  { name: 'upper-case service names', manifest: withMethod({ service: 'Foo.BAR' }) },
  {
    name: 'regular expressions',
    manifest: withMethod({ type: 'RegularExpression', service: '.*', method: 'Say.*' }),
  },
  { name: 'a match without method matches everything', manifest: withRule({ matches: [{}] }) },
  {
    name: 'neither service nor method',
    manifest: withMethod({}),
    problems: ['spec.rules[0].matches[0].method: set service, method or both'],
  },
  {
    name: 'neither, with type RegularExpression',
    manifest: withMethod({ type: 'RegularExpression' }),
    problems: ['spec.rules[0].matches[0].method: set service, method or both'],
  },
  {
    name: 'a regular expression without type (Exact by default)',
    manifest: withMethod({ service: '.*', method: '.*' }),
    problems: [
      'spec.rules[0].matches[0].method.service: invalid service ".*" for type Exact',
      'spec.rules[0].matches[0].method.method: invalid method ".*" for type Exact',
    ],
  },
  {
    name: 'an Exact service with a slash, a method starting with a digit',
    manifest: withMethod({ type: 'Exact', service: 'a/b', method: '2fa' }),
    problems: [
      'spec.rules[0].matches[0].method.service: invalid service "a/b" for type Exact',
      'spec.rules[0].matches[0].method.method: invalid method "2fa" for type Exact',
    ],
  },
  {
    name: 'a service ending with a dot',
    manifest: withMethod({ service: 'a.' }),
    problems: ['spec.rules[0].matches[0].method.service: invalid service "a."'],
  },
  {
    name: 'regular expressions that do not compile',
    manifest: withMethod({ type: 'RegularExpression', service: '(', method: '[' }),
    problems: [
      'spec.rules[0].matches[0].method.service: invalid regular expression "("',
      'spec.rules[0].matches[0].method.method: invalid regular expression "["',
    ],
  },
  {
    name: 'an unknown type',
    manifest: withMethod({ type: 'Prefix', service: 'a' }),
    problems: [
      'spec.rules[0].matches[0].method.type: unsupported value "Prefix"; must be one of: "Exact", "RegularExpression"',
    ],
  },
  {
    name: 'longer than 1024',
    manifest: withMethod({ type: 'RegularExpression', service: 'a'.repeat(1025), method: 'b'.repeat(1025) }),
    problems: [
      'spec.rules[0].matches[0].method.service: must be at most 1024 characters, not 1025',
      'spec.rules[0].matches[0].method.method: must be at most 1024 characters, not 1025',
    ],
  },
]);

admissionCases('GRPCRoute header matches', [
  {
    name: 'exact and regular expression',
    manifest: withRule({
      matches: [
        {
          headers: [
            { name: 'x-a', value: '1' },
            { type: 'RegularExpression', name: 'x-b', value: 'v[0-9]+' },
          ],
        },
      ],
    }),
  },
  {
    name: 'the same header twice',
    manifest: withRule({
      matches: [
        {
          headers: [
            { name: 'a', value: '1' },
            { name: 'a', value: '2' },
          ],
        },
      ],
    }),
    problems: ['spec.rules[0].matches[0].headers[1]: duplicate entry for name "a"'],
  },
  {
    name: 'a header name with a colon, an empty value',
    manifest: withRule({ matches: [{ headers: [{ name: ':path', value: '' }] }] }),
    problems: [
      'spec.rules[0].matches[0].headers[0].name: invalid value ":path"',
      'spec.rules[0].matches[0].headers[0].value: must not be empty',
    ],
  },
  {
    name: 'a regular expression that does not compile',
    manifest: withRule({ matches: [{ headers: [{ type: 'RegularExpression', name: 'a', value: '(' }] }] }),
    problems: ['spec.rules[0].matches[0].headers[0].value: invalid regular expression "("'],
  },
  {
    name: 'more than 16 headers',
    manifest: withRule({
      matches: [{ headers: Array.from({ length: 17 }, (_, i) => ({ name: `h${i}`, value: 'v' })) }],
    }),
    problems: ['spec.rules[0].matches[0].headers: must have at most 16 items, not 17'],
  },
]);

admissionCases('GRPCRoute filters', [
  {
    name: 'each filter type, on the rule and on a backendRef',
    manifest: withRule({
      filters: [
        setHeader('RequestHeaderModifier'),
        setHeader('ResponseHeaderModifier'),
        mirror({ percent: 10 }),
        extension('a'),
      ],
      backendRefs: [{ ...backend, filters: [setHeader('RequestHeaderModifier'), mirror()] }],
    }),
  },
  {
    name: 'RequestMirror and ExtensionRef may repeat',
    manifest: withFilters([mirror(), mirror(), extension('a'), extension('b')]),
  },
  {
    name: 'HTTP-only filter types are rejected by the CRD enum',
    manifest: withFilters([{ type: 'URLRewrite', urlRewrite: {} }]),
    problems: [
      'spec.rules[0].filters[0].type: unsupported value "URLRewrite"; must be one of: "RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror", "ExtensionRef"',
      'warning spec.rules[0].filters[0].urlRewrite: unknown field; it is ignored',
    ],
  },
  {
    name: 'type without its settings',
    manifest: withFilters([{ type: 'RequestMirror' }]),
    problems: ['spec.rules[0].filters[0].requestMirror: required when type is RequestMirror'],
  },
  {
    name: 'settings of another type',
    manifest: withFilters([{ type: 'ExtensionRef', requestMirror: mirror().requestMirror }]),
    problems: [
      'spec.rules[0].filters[0].requestMirror: must not be set when type is ExtensionRef (it belongs to type RequestMirror)',
      'spec.rules[0].filters[0].extensionRef: required when type is ExtensionRef',
    ],
  },
  {
    name: 'header modifiers twice',
    manifest: withFilters([
      setHeader('RequestHeaderModifier'),
      setHeader('RequestHeaderModifier'),
      setHeader('ResponseHeaderModifier'),
      setHeader('ResponseHeaderModifier'),
    ]),
    problems: [
      'spec.rules[0].filters[1].type: filter type "RequestHeaderModifier" may appear only once in a list',
      'spec.rules[0].filters[3].type: filter type "ResponseHeaderModifier" may appear only once in a list',
    ],
  },
  {
    name: 'a header modifier twice on a backendRef',
    manifest: withRule({
      backendRefs: [
        { ...backend, filters: [setHeader('ResponseHeaderModifier'), setHeader('ResponseHeaderModifier')] },
      ],
    }),
    problems: [
      'spec.rules[0].backendRefs[0].filters[1].type: filter type "ResponseHeaderModifier" may appear',
    ],
  },
  {
    name: 'a header value with a line break (the experimental CRD pattern)',
    manifest: withFilters([setHeader('RequestHeaderModifier', 'a\r\nx-injected: 1')]),
    problems: [
      'spec.rules[0].filters[0].requestHeaderModifier.set[0].value: invalid value "a\\r\\nx-injected: 1"',
    ],
  },
  {
    name: 'mirror with percent and fraction',
    manifest: withFilters([mirror({ percent: 5, fraction: { numerator: 1 } })]),
    problems: ['spec.rules[0].filters[0].requestMirror.fraction: set either percent or fraction, not both'],
  },
  {
    name: 'mirror fraction above 1, denominator 0',
    manifest: withFilters([
      mirror({ fraction: { numerator: 3, denominator: 2 } }),
      mirror({ fraction: { numerator: 0, denominator: 0 } }),
    ]),
    problems: [
      'spec.rules[0].filters[0].requestMirror.fraction.numerator: must not be greater than the denominator (2)',
      'spec.rules[0].filters[1].requestMirror.fraction.denominator: must be at least 1, not 0',
    ],
  },
  {
    name: 'mirror to a Service without port',
    manifest: withFilters([{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'm' } } }]),
    problems: [
      'spec.rules[0].filters[0].requestMirror.backendRef.port: a reference to a Service must set port',
    ],
  },
  {
    name: 'ExtensionRef without group',
    manifest: withFilters([{ type: 'ExtensionRef', extensionRef: { kind: 'Thing', name: 'a' } }]),
    problems: ['spec.rules[0].filters[0].extensionRef.group: required field is missing'],
  },
]);

admissionCases('GRPCRoute rules, backends and hostnames', [
  {
    name: 'Service backend without port',
    manifest: withRule({ backendRefs: [{ name: 'svc' }] }),
    problems: ['spec.rules[0].backendRefs[0].port: a reference to a Service must set port'],
  },
  {
    name: 'another kind of backend needs no port',
    manifest: withRule({
      backendRefs: [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'p' }],
    }),
  },
  {
    name: 'weight out of range',
    manifest: withRule({ backendRefs: [{ ...backend, weight: -1 }] }),
    problems: ['spec.rules[0].backendRefs[0].weight: must be between 0 and 1000000, not -1'],
  },
  {
    name: 'more than 16 rules',
    manifest: route({ rules: Array.from({ length: 17 }, () => ({})) }),
    problems: ['spec.rules: must have at most 16 items, not 17'],
  },
  {
    name: 'more than 128 matches in total',
    manifest: route({
      rules: Array.from({ length: 3 }, () => ({
        matches: Array.from({ length: 43 }, () => ({ method: { service: 'a' } })),
      })),
    }),
    problems: ['spec.rules: must have at most 128 matches in total across all rules, not 129'],
  },
  {
    name: 'more than 64 matches in one rule',
    manifest: withRule({ matches: Array.from({ length: 65 }, () => ({})) }),
    problems: ['spec.rules[0].matches: must have at most 64 items, not 65'],
  },
  {
    name: 'a repeated rule name',
    manifest: route({ rules: [{ name: 'a' }, {}, { name: 'a' }] }),
    problems: ['spec.rules[2].name: rule name "a" is used by an earlier rule; names must be unique'],
  },
  {
    name: 'a rule name that is not a section name',
    manifest: route({ rules: [{ name: 'Rule_1' }] }),
    problems: ['spec.rules[0].name: invalid value "Rule_1"'],
  },
  {
    name: 'a hostname in upper case, more than 16 hostnames',
    manifest: route({
      hostnames: ['Grpc.example.com', ...Array.from({ length: 16 }, (_, i) => `h${i}.com`)],
    }),
    problems: [
      'spec.hostnames: must have at most 16 items, not 17',
      'spec.hostnames[0]: invalid value "Grpc.example.com"',
    ],
  },
  {
    name: 'sessionPersistence cookieConfig with type Header',
    manifest: withRule({ sessionPersistence: { type: 'Header', cookieConfig: {} } }),
    problems: ['spec.rules[0].sessionPersistence.cookieConfig: must not be set when type is Header'],
  },
  {
    name: 'sessionPersistence Permanent without absoluteTimeout',
    manifest: withRule({ sessionPersistence: { cookieConfig: { lifetimeType: 'Permanent' } } }),
    problems: [
      'spec.rules[0].sessionPersistence.absoluteTimeout: required when cookieConfig.lifetimeType is Permanent',
    ],
  },
]);

admissionCases('GRPCRoute parentRefs', [
  {
    name: 'two listeners of one Gateway by sectionName or by port',
    manifest: route({
      parentRefs: [
        { name: 'gw', sectionName: 'a' },
        { name: 'gw', sectionName: 'b' },
        { name: 'gw2', port: 80 },
        { name: 'gw2', port: 443 },
      ],
    }),
  },
  {
    name: 'the same parent twice',
    manifest: route({ parentRefs: [{ name: 'gw' }, { name: 'gw' }] }),
    problems: ['spec.parentRefs[1]: duplicate parentRef: this parent is already referenced'],
  },
  {
    name: 'the same parent with and without sectionName',
    manifest: route({ parentRefs: [{ name: 'gw' }, { name: 'gw', sectionName: 'a' }] }),
    problems: ['spec.parentRefs[1]: sectionName must be set on all or none of the parentRefs'],
  },
  {
    name: 'more than 32',
    manifest: route({ parentRefs: Array.from({ length: 33 }, (_, i) => ({ name: `gw${i}` })) }),
    problems: ['spec.parentRefs: must have at most 32 items, not 33'],
  },
]);
