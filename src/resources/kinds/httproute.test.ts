import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HTTPRoute } from '../gateway-api.ts';
import { admissionCases, admitted } from '../testing.ts';

function route(spec: unknown) {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'route' }, spec };
}

const backend = { name: 'svc', port: 8080 };

/** A route with one rule (a backend added unless the rule says otherwise). */
function withRule(rule: Record<string, unknown>) {
  return route({ parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [backend], ...rule }] });
}

function withFilters(filters: unknown[], rule: Record<string, unknown> = {}) {
  return withRule({ backendRefs: undefined, filters, ...rule });
}

function exactPath(value: string) {
  return withRule({ matches: [{ path: { type: 'Exact', value } }] });
}

const redirect = (extra: Record<string, unknown> = {}) => ({
  type: 'RequestRedirect',
  requestRedirect: extra,
});
const rewrite = (extra: Record<string, unknown> = {}) => ({ type: 'URLRewrite', urlRewrite: extra });
const headers = (type: string) => ({
  type,
  [type === 'RequestHeaderModifier' ? 'requestHeaderModifier' : 'responseHeaderModifier']: {
    set: [{ name: 'a', value: 'b' }],
  },
});
const mirror = (extra: Record<string, unknown> = {}) => ({
  type: 'RequestMirror',
  requestMirror: { backendRef: { name: 'mirror', port: 80 }, ...extra },
});
const prefixReplace = { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' } };
const cors = (settings: Record<string, unknown>) => ({ type: 'CORS', cors: settings });

test('HTTPRoute defaults follow the CRD: rules, matches, paths, header types, backend and parent refs', () => {
  const object = admitted<HTTPRoute>(
    route({
      parentRefs: [{ name: 'gw' }],
      rules: [
        { backendRefs: [backend] },
        {
          matches: [
            { headers: [{ name: 'version', value: 'two' }], queryParams: [{ name: 'q', value: '1' }] },
          ],
          backendRefs: [backend],
        },
      ],
    }),
  );
  assert.equal(object.metadata.namespace, 'default');
  assert.deepEqual(object.spec.parentRefs, [
    { name: 'gw', group: 'gateway.networking.k8s.io', kind: 'Gateway' },
  ]);
  const [first, second] = object.spec.rules ?? [];
  assert.deepEqual(first.matches, [{ path: { type: 'PathPrefix', value: '/' } }]);
  assert.deepEqual(first.backendRefs, [{ name: 'svc', port: 8080, group: '', kind: 'Service', weight: 1 }]);
  assert.deepEqual(second.matches, [
    {
      headers: [{ name: 'version', value: 'two', type: 'Exact' }],
      queryParams: [{ name: 'q', value: '1', type: 'Exact' }],
      path: { type: 'PathPrefix', value: '/' },
    },
  ]);
});

test('HTTPRoute without rules gets the default rule; a path match without value gets "/"', () => {
  assert.deepEqual(admitted<HTTPRoute>(route({})).spec.rules, [
    { matches: [{ path: { type: 'PathPrefix', value: '/' } }] },
  ]);
  const object = admitted<HTTPRoute>(withRule({ matches: [{ path: { type: 'Exact' } }] }));
  assert.deepEqual(object.spec.rules?.[0].matches, [{ path: { type: 'Exact', value: '/' } }]);
});

test('HTTPRoute filter defaults: redirect 302, CORS maxAge 5, mirror denominator 100, backendRef filters too', () => {
  const object = admitted<HTTPRoute>(
    withRule({
      filters: [cors({ allowOrigins: ['*'] }), mirror({ fraction: { numerator: 5 } })],
      backendRefs: [{ ...backend, filters: [redirect()] }],
    }),
  );
  const rule = object.spec.rules?.[0];
  assert.equal(rule?.filters?.[0].cors?.maxAge, 5);
  assert.deepEqual(rule?.filters?.[1].requestMirror?.fraction, { numerator: 5, denominator: 100 });
  assert.deepEqual(rule?.filters?.[1].requestMirror?.backendRef, {
    name: 'mirror',
    port: 80,
    group: '',
    kind: 'Service',
  });
  assert.equal(rule?.backendRefs?.[0].filters?.[0].requestRedirect?.statusCode, 302);
});

admissionCases('HTTPRoute path matches', [
  {
    name: 'PathPrefix and Exact values that are absolute paths',
    manifest: exactPath('/a/b-c_d~e%20f;g=h:i@j'),
  },
  {
    name: 'RegularExpression need not start with "/"',
    manifest: withRule({ matches: [{ path: { type: 'RegularExpression', value: '.*/v[0-9]+' } }] }),
  },
  {
    name: 'relative',
    manifest: exactPath('foo'),
    problems: [
      'spec.rules[0].matches[0].path.value: must be an absolute path starting with "/" for type Exact',
    ],
  },
  {
    name: '"//"',
    manifest: exactPath('/a//b'),
    problems: ['spec.rules[0].matches[0].path.value: must not contain "//" for type Exact'],
  },
  {
    name: '"/./"',
    manifest: exactPath('/a/./b'),
    problems: ['spec.rules[0].matches[0].path.value: must not contain "/./"'],
  },
  {
    name: '"/../"',
    manifest: exactPath('/a/../b'),
    problems: ['spec.rules[0].matches[0].path.value: must not contain "/../"'],
  },
  {
    name: '"%2f"',
    manifest: exactPath('/a%2fb'),
    problems: ['spec.rules[0].matches[0].path.value: must not contain "%2f"'],
  },
  {
    name: '"%2F"',
    manifest: exactPath('/a%2Fb'),
    problems: ['spec.rules[0].matches[0].path.value: must not contain "%2F"'],
  },
  {
    name: '"#"',
    manifest: exactPath('/a#b'),
    problems: [
      'spec.rules[0].matches[0].path.value: must not contain "#"',
      'spec.rules[0].matches[0].path.value: invalid path "/a#b" for type Exact: only letters',
    ],
  },
  {
    name: 'ending "/.."',
    manifest: exactPath('/a/..'),
    problems: ['spec.rules[0].matches[0].path.value: must not end with "/.."'],
  },
  {
    name: 'ending "/."',
    manifest: exactPath('/a/.'),
    problems: ['spec.rules[0].matches[0].path.value: must not end with "/."'],
  },
  {
    name: 'a space',
    manifest: withRule({ matches: [{ path: { type: 'PathPrefix', value: '/a b' } }] }),
    problems: ['spec.rules[0].matches[0].path.value: invalid path "/a b" for type PathPrefix'],
  },
  {
    name: 'longer than 1024',
    manifest: exactPath(`/${'a'.repeat(1024)}`),
    problems: ['spec.rules[0].matches[0].path.value: must be at most 1024 characters, not 1025'],
  },
  {
    name: 'a RegularExpression that does not compile',
    manifest: withRule({ matches: [{ path: { type: 'RegularExpression', value: '/(a' } }] }),
    problems: ['spec.rules[0].matches[0].path.value: invalid regular expression "/(a"'],
  },
  {
    name: 'an unknown type is rejected by the CRD enum',
    manifest: withRule({ matches: [{ path: { type: 'Prefix', value: '/' } }] }),
    problems: [
      'spec.rules[0].matches[0].path.type: unsupported value "Prefix"; must be one of: "Exact", "PathPrefix", "RegularExpression"',
    ],
  },
]);

admissionCases('HTTPRoute header, query and method matches', [
  {
    name: 'unknown header match type',
    manifest: withRule({ matches: [{ headers: [{ type: 'Prefix', name: 'a', value: 'b' }] }] }),
    problems: [
      'spec.rules[0].matches[0].headers[0].type: unsupported value "Prefix"; must be one of: "Exact", "RegularExpression"',
    ],
  },
  {
    name: 'header name with a colon',
    manifest: withRule({ matches: [{ headers: [{ name: 'a:b', value: 'c' }] }] }),
    problems: ['spec.rules[0].matches[0].headers[0].name: invalid value "a:b": must be an HTTP header name'],
  },
  {
    name: 'the same header twice (a list keyed by name)',
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
    name: 'empty header value',
    manifest: withRule({ matches: [{ headers: [{ name: 'a', value: '' }] }] }),
    problems: ['spec.rules[0].matches[0].headers[0].value: must not be empty'],
  },
  {
    name: 'header regular expression that does not compile',
    manifest: withRule({ matches: [{ headers: [{ type: 'RegularExpression', name: 'a', value: '[' }] }] }),
    problems: ['spec.rules[0].matches[0].headers[0].value: invalid regular expression "["'],
  },
  {
    name: 'query param without value',
    manifest: withRule({ matches: [{ queryParams: [{ name: 'a' }] }] }),
    problems: ['spec.rules[0].matches[0].queryParams[0].value: required field is missing'],
  },
  {
    name: 'lower-case method',
    manifest: withRule({ matches: [{ method: 'get' }] }),
    problems: ['spec.rules[0].matches[0].method: unsupported value "get"; must be one of: "GET", "HEAD"'],
  },
  {
    name: 'more than 64 matches in one rule',
    manifest: withRule({ matches: Array.from({ length: 65 }, () => ({ method: 'GET' })) }),
    problems: ['spec.rules[0].matches: must have at most 64 items, not 65'],
  },
  {
    name: '128 matches in total are allowed',
    manifest: route({
      rules: [0, 1].map(() => ({ matches: Array.from({ length: 64 }, () => ({ method: 'GET' })) })),
    }),
  },
  {
    name: 'more than 128 matches in total',
    manifest: route({
      rules: [0, 1, 2].map(() => ({ matches: Array.from({ length: 43 }, () => ({ method: 'GET' })) })),
    }),
    problems: ['spec.rules: must have at most 128 matches in total across all rules, not 129'],
  },
]);

admissionCases('HTTPRoute hostnames', [
  {
    name: 'precise and wildcard names',
    manifest: route({ hostnames: ['example.com', '*.example.com', 'a-b.c'] }),
  },
  {
    name: 'upper case',
    manifest: route({ hostnames: ['Example.com'] }),
    problems: ['spec.hostnames[0]: invalid value "Example.com": must be a lowercase hostname'],
  },
  {
    name: 'with a port',
    manifest: route({ hostnames: ['example.com:80'] }),
    problems: ['spec.hostnames[0]: invalid value'],
  },
  {
    name: 'wildcard not in front',
    manifest: route({ hostnames: ['a.*.com'] }),
    problems: ['spec.hostnames[0]: invalid value'],
  },
  {
    name: 'trailing dot',
    manifest: route({ hostnames: ['example.com.'] }),
    problems: ['spec.hostnames[0]: invalid value'],
  },
  {
    name: 'more than 16',
    manifest: route({ hostnames: Array.from({ length: 17 }, (_, i) => `h${i}.com`) }),
    problems: ['spec.hostnames: must have at most 16 items, not 17'],
  },
]);

admissionCases('HTTPRoute filters', [
  {
    name: 'an unknown (or experimental) filter type is rejected by the CRD enum',
    manifest: withFilters([{ type: 'ExternalAuth' }]),
    problems: [
      'spec.rules[0].filters[0].type: unsupported value "ExternalAuth"; must be one of: "RequestHeaderModifier"',
    ],
  },
  {
    name: 'type without its settings',
    manifest: withFilters([{ type: 'RequestRedirect' }]),
    problems: ['spec.rules[0].filters[0].requestRedirect: required when type is RequestRedirect'],
  },
  {
    name: 'settings of another type',
    manifest: withFilters([{ ...headers('RequestHeaderModifier'), urlRewrite: {} }]),
    problems: [
      'spec.rules[0].filters[0].urlRewrite: must not be set when type is RequestHeaderModifier (it belongs to type URLRewrite)',
    ],
  },
  {
    name: 'RequestHeaderModifier twice',
    manifest: withFilters([headers('RequestHeaderModifier'), headers('RequestHeaderModifier')], {
      backendRefs: [backend],
    }),
    problems: ['spec.rules[0].filters[1].type: filter type "RequestHeaderModifier" may appear only once'],
  },
  {
    name: 'ResponseHeaderModifier twice',
    manifest: withFilters([headers('ResponseHeaderModifier'), headers('ResponseHeaderModifier')], {
      backendRefs: [backend],
    }),
    problems: ['spec.rules[0].filters[1].type: filter type "ResponseHeaderModifier" may appear only once'],
  },
  {
    name: 'CORS twice',
    manifest: withFilters([cors({}), cors({})], { backendRefs: [backend] }),
    problems: ['spec.rules[0].filters[1].type: filter type "CORS" may appear only once'],
  },
  {
    name: 'RequestRedirect twice',
    manifest: withFilters([redirect(), redirect()]),
    problems: ['spec.rules[0].filters[1].type: filter type "RequestRedirect" may appear only once'],
  },
  {
    name: 'URLRewrite twice',
    manifest: withFilters([rewrite(), rewrite()], { backendRefs: [backend] }),
    problems: ['spec.rules[0].filters[1].type: filter type "URLRewrite" may appear only once'],
  },
  {
    name: 'RequestMirror and ExtensionRef may repeat',
    manifest: withFilters(
      [
        mirror(),
        mirror(),
        { type: 'ExtensionRef', extensionRef: { group: 'example.com', kind: 'Thing', name: 'a' } },
        { type: 'ExtensionRef', extensionRef: { group: 'example.com', kind: 'Thing', name: 'b' } },
      ],
      { backendRefs: [backend] },
    ),
  },
  {
    name: 'RequestRedirect together with URLRewrite',
    manifest: withFilters([redirect(), rewrite()]),
    problems: [
      'spec.rules[0].filters[1].type: RequestRedirect and URLRewrite filters cannot be used together',
    ],
  },
  {
    name: 'RequestRedirect with backendRefs',
    manifest: withRule({ filters: [redirect()] }),
    problems: ['spec.rules[0].backendRefs: a rule with a RequestRedirect filter must not have backendRefs'],
  },
  {
    name: 'RequestRedirect with empty backendRefs',
    manifest: withFilters([redirect()], { backendRefs: [] }),
  },
  {
    name: 'redirect statusCode outside the enum',
    manifest: withFilters([redirect({ statusCode: 304 })]),
    problems: [
      'spec.rules[0].filters[0].requestRedirect.statusCode: unsupported value 304; must be one of: 301, 302, 303, 307, 308',
    ],
  },
  {
    name: 'redirect statusCode 308',
    manifest: withFilters([redirect({ statusCode: 308, scheme: 'https', port: 8443 })]),
  },
  {
    name: 'redirect scheme outside the enum',
    manifest: withFilters([redirect({ scheme: 'ftp' })]),
    problems: [
      'spec.rules[0].filters[0].requestRedirect.scheme: unsupported value "ftp"; must be one of: "http", "https"',
    ],
  },
  {
    name: 'redirect to a wildcard hostname',
    manifest: withFilters([redirect({ hostname: '*.example.com' })]),
    problems: [
      'spec.rules[0].filters[0].requestRedirect.hostname: invalid value "*.example.com": must be a lowercase hostname such as "example.com" (no wildcard',
    ],
  },
  {
    name: 'rewrite to a hostname with a port',
    manifest: withFilters([rewrite({ hostname: 'example.com:8080' })], { backendRefs: [backend] }),
    problems: ['spec.rules[0].filters[0].urlRewrite.hostname: invalid value "example.com:8080"'],
  },
  {
    name: 'ReplaceFullPath without replaceFullPath',
    manifest: withFilters([rewrite({ path: { type: 'ReplaceFullPath' } })], { backendRefs: [backend] }),
    problems: [
      'spec.rules[0].filters[0].urlRewrite.path.replaceFullPath: required when type is ReplaceFullPath',
    ],
  },
  {
    name: 'replaceFullPath with type ReplacePrefixMatch',
    manifest: withFilters(
      [rewrite({ path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/', replaceFullPath: '/x' } })],
      {
        backendRefs: [backend],
      },
    ),
    problems: [
      'spec.rules[0].filters[0].urlRewrite.path.replaceFullPath: must not be set unless type is ReplaceFullPath',
    ],
  },
  {
    name: 'ReplacePrefixMatch without replacePrefixMatch',
    manifest: withFilters([redirect({ path: { type: 'ReplacePrefixMatch' } })]),
    problems: [
      'spec.rules[0].filters[0].requestRedirect.path.replacePrefixMatch: required when type is ReplacePrefixMatch',
    ],
  },
  {
    name: 'replacePrefixMatch with type ReplaceFullPath',
    manifest: withFilters([
      redirect({ path: { type: 'ReplaceFullPath', replaceFullPath: '/', replacePrefixMatch: '/' } }),
    ]),
    problems: [
      'spec.rules[0].filters[0].requestRedirect.path.replacePrefixMatch: must not be set unless type is ReplacePrefixMatch',
    ],
  },
  {
    name: 'ReplacePrefixMatch on the default PathPrefix match',
    manifest: withFilters([redirect(prefixReplace)]),
  },
  {
    name: 'redirect ReplacePrefixMatch with an Exact match',
    manifest: withFilters([redirect(prefixReplace)], { matches: [{ path: { type: 'Exact', value: '/a' } }] }),
    problems: [
      'spec.rules[0].matches: a RequestRedirect filter with path.replacePrefixMatch needs the rule to have exactly one match, of type PathPrefix',
    ],
  },
  {
    name: 'rewrite ReplacePrefixMatch with two matches',
    manifest: withFilters([rewrite(prefixReplace)], {
      backendRefs: [backend],
      matches: [{ path: { value: '/a' } }, { path: { value: '/b' } }],
    }),
    problems: [
      'spec.rules[0].matches: a URLRewrite filter with path.replacePrefixMatch needs the rule to have exactly one match',
    ],
  },
  {
    name: 'backendRef rewrite ReplacePrefixMatch with an Exact match',
    manifest: withRule({
      matches: [{ path: { type: 'Exact', value: '/a' } }],
      backendRefs: [{ ...backend, filters: [rewrite(prefixReplace)] }],
    }),
    problems: ['spec.rules[0].matches: a backendRef URLRewrite filter with path.replacePrefixMatch needs'],
  },
  {
    name: 'backendRef redirect ReplacePrefixMatch with an Exact match',
    manifest: withRule({
      matches: [{ path: { type: 'Exact', value: '/a' } }],
      backendRefs: [{ ...backend, filters: [redirect(prefixReplace)] }],
    }),
    problems: [
      'spec.rules[0].matches: a backendRef RequestRedirect filter with path.replacePrefixMatch needs',
    ],
  },
  {
    // The CRD rule uses exists_one over backendRefs; the API server accepts this, so Sluice does too.
    name: 'two backendRefs with ReplacePrefixMatch pass the CRD rule (exists_one)',
    manifest: withRule({
      matches: [{ path: { type: 'Exact', value: '/a' } }],
      backendRefs: [
        { ...backend, filters: [rewrite(prefixReplace)] },
        { ...backend, name: 'other', filters: [rewrite(prefixReplace)] },
      ],
    }),
  },
  {
    name: 'header modifier with a duplicate set name and remove entry',
    manifest: withFilters(
      [
        {
          type: 'RequestHeaderModifier',
          requestHeaderModifier: {
            set: [
              { name: 'a', value: '1' },
              { name: 'a', value: '2' },
            ],
            remove: ['x', 'x'],
          },
        },
      ],
      { backendRefs: [backend] },
    ),
    problems: [
      'spec.rules[0].filters[0].requestHeaderModifier.set[1]: duplicate entry for name "a"',
      'spec.rules[0].filters[0].requestHeaderModifier.remove[1]: duplicate value "x"',
    ],
  },
  {
    name: 'header values with inner spaces and tabs, and every visible ASCII character',
    manifest: withFilters([
      {
        type: 'ResponseHeaderModifier',
        responseHeaderModifier: { add: [{ name: 'a', value: 'x y\tz !~"' }] },
      },
    ]),
  },
  {
    name: 'header values with a line break, a leading space or a non-ASCII letter (experimental CRD pattern)',
    manifest: withFilters([
      {
        type: 'ResponseHeaderModifier',
        responseHeaderModifier: {
          add: [{ name: 'a', value: 'this\nis\r\ninvalid' }],
          set: [
            { name: 'b', value: ' padded' },
            { name: 'c', value: 'café' },
          ],
        },
      },
    ]),
    problems: [
      'spec.rules[0].filters[0].responseHeaderModifier.add[0].value: invalid value "this\\nis\\r\\ninvalid": must be visible ASCII characters',
      'spec.rules[0].filters[0].responseHeaderModifier.set[0].value: invalid value " padded"',
      'spec.rules[0].filters[0].responseHeaderModifier.set[1].value: invalid value "café"',
    ],
  },
  {
    name: 'mirror with percent and fraction',
    manifest: withFilters([mirror({ percent: 10, fraction: { numerator: 1 } })], { backendRefs: [backend] }),
    problems: ['spec.rules[0].filters[0].requestMirror.fraction: set either percent or fraction, not both'],
  },
  {
    name: 'mirror fraction above 1',
    manifest: withFilters([mirror({ fraction: { numerator: 3, denominator: 2 } })], {
      backendRefs: [backend],
    }),
    problems: [
      'spec.rules[0].filters[0].requestMirror.fraction.numerator: must not be greater than the denominator (2)',
    ],
  },
  {
    name: 'mirror percent above 100',
    manifest: withFilters([mirror({ percent: 101 })], { backendRefs: [backend] }),
    problems: ['spec.rules[0].filters[0].requestMirror.percent: must be between 0 and 100, not 101'],
  },
  {
    name: 'mirror to a Service without port',
    manifest: withFilters([{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'm' } } }], {
      backendRefs: [backend],
    }),
    problems: [
      'spec.rules[0].filters[0].requestMirror.backendRef.port: a reference to a Service must set port',
    ],
  },
  {
    name: 'CORS "*" origin with another',
    manifest: withFilters([cors({ allowOrigins: ['*', 'https://a.example'] })], { backendRefs: [backend] }),
    problems: [
      'spec.rules[0].filters[0].cors.allowOrigins: "*" allows all origins and must be the only entry',
    ],
  },
  {
    name: 'CORS "*" method with another',
    manifest: withFilters([cors({ allowMethods: ['GET', '*'] })], { backendRefs: [backend] }),
    problems: [
      'spec.rules[0].filters[0].cors.allowMethods: "*" allows all methods and must be the only entry',
    ],
  },
  {
    name: 'CORS "*" header with another',
    manifest: withFilters([cors({ allowHeaders: ['*', 'x-a'] })], { backendRefs: [backend] }),
    problems: [
      'spec.rules[0].filters[0].cors.allowHeaders: "*" allows all headers and must be the only entry',
    ],
  },
  {
    name: 'CORS origin that is not an origin',
    manifest: withFilters([cors({ allowOrigins: ['example.com'] })], { backendRefs: [backend] }),
    problems: [
      'spec.rules[0].filters[0].cors.allowOrigins[0]: invalid value "example.com": must be "*" or an origin',
    ],
  },
  {
    name: 'CORS maxAge 0 and a repeated origin',
    manifest: withFilters([cors({ allowOrigins: ['https://a.example', 'https://a.example'], maxAge: 0 })], {
      backendRefs: [backend],
    }),
    problems: [
      'spec.rules[0].filters[0].cors.allowOrigins[1]: duplicate value "https://a.example"',
      'spec.rules[0].filters[0].cors.maxAge: must be at least 1, not 0',
    ],
  },
  {
    name: 'CORS with everything allowed and a wildcard origin',
    manifest: withFilters(
      [
        cors({
          allowOrigins: ['https://*.example.com:8443'],
          allowMethods: ['*'],
          allowHeaders: ['*'],
          allowCredentials: true,
          maxAge: 3600,
        }),
      ],
      { backendRefs: [backend] },
    ),
  },
  {
    name: 'ExtensionRef without group',
    manifest: withFilters([{ type: 'ExtensionRef', extensionRef: { kind: 'Thing', name: 'a' } }], {
      backendRefs: [backend],
    }),
    problems: ['spec.rules[0].filters[0].extensionRef.group: required field is missing'],
  },
]);

admissionCases('HTTPRoute rules, backends and timeouts', [
  {
    name: 'no rules at all is not the same as no rules field',
    manifest: route({ rules: [] }),
    problems: ['spec.rules: must have at least 1 item'],
  },
  {
    name: 'more than 16 rules',
    manifest: route({ rules: Array.from({ length: 17 }, () => ({})) }),
    problems: ['spec.rules: must have at most 16 items, not 17'],
  },
  {
    name: 'a repeated rule name (the experimental CRD rule)',
    manifest: route({ rules: [{ name: 'a' }, { name: 'b' }, {}, { name: 'a' }] }),
    problems: ['spec.rules[3].name: rule name "a" is used by an earlier rule; names must be unique'],
  },
  { name: 'unique rule names, and rules without one', manifest: route({ rules: [{ name: 'a' }, {}, {}] }) },
  {
    name: 'rule name format',
    manifest: route({ rules: [{ name: 'Rule_1' }] }),
    problems: ['spec.rules[0].name: invalid value "Rule_1"'],
  },
  {
    name: 'Service backend without port',
    manifest: withRule({ backendRefs: [{ name: 'svc' }] }),
    problems: ['spec.rules[0].backendRefs[0].port: a reference to a Service must set port'],
  },
  {
    name: 'another kind of backend needs no port',
    manifest: withRule({ backendRefs: [{ group: 'example.com', kind: 'Pool', name: 'p' }] }),
  },
  {
    name: 'weight out of range',
    manifest: withRule({
      backendRefs: [
        { ...backend, weight: -1 },
        { ...backend, name: 'b', weight: 1_000_001 },
      ],
    }),
    problems: [
      'spec.rules[0].backendRefs[0].weight: must be between 0 and 1000000, not -1',
      'spec.rules[0].backendRefs[1].weight: must be between 0 and 1000000, not 1000001',
    ],
  },
  {
    name: 'port out of range',
    manifest: withRule({
      backendRefs: [
        { name: 'a', port: 0 },
        { name: 'b', port: 65536 },
      ],
    }),
    problems: [
      'spec.rules[0].backendRefs[0].port: must be between 1 and 65535, not 0',
      'spec.rules[0].backendRefs[1].port: must be between 1 and 65535, not 65536',
    ],
  },
  {
    name: 'port as a string',
    manifest: withRule({ backendRefs: [{ name: 'a', port: '80' }] }),
    problems: ['spec.rules[0].backendRefs[0].port: must be an integer, not the string "80"'],
  },
  { name: 'timeouts', manifest: withRule({ timeouts: { request: '1h30m', backendRequest: '500ms' } }) },
  {
    name: 'backendRequest longer than a 0s (disabled) request timeout',
    manifest: withRule({ timeouts: { request: '0s', backendRequest: '10s' } }),
  },
  {
    name: 'a duration that is not GEP-2257',
    manifest: withRule({ timeouts: { request: '1.5s' } }),
    problems: ['spec.rules[0].timeouts.request: invalid value "1.5s": must be a duration such as "500ms"'],
  },
  {
    name: 'backendRequest longer than request',
    manifest: withRule({ timeouts: { request: '1s', backendRequest: '1001ms' } }),
    problems: ['spec.rules[0].timeouts.backendRequest: must not be longer than the request timeout (1s)'],
  },
  {
    name: 'an unknown field is a warning and is dropped',
    manifest: withRule({ retries: { attempts: 2 } }),
    problems: ['warning spec.rules[0].retries: unknown field; it is ignored'],
  },
]);

admissionCases('HTTPRoute parentRefs', [
  {
    name: 'two listeners of one Gateway by sectionName, and another Gateway',
    manifest: route({
      parentRefs: [
        { name: 'gw', sectionName: 'a' },
        { name: 'gw', sectionName: 'b' },
        { name: 'gw', namespace: 'other' },
        { name: 'gw2' },
      ],
    }),
  },
  {
    name: 'the same parent twice without sectionName',
    manifest: route({ parentRefs: [{ name: 'gw' }, { name: 'gw', kind: 'Gateway' }] }),
    problems: ['spec.parentRefs[1]: duplicate parentRef: this parent is already referenced'],
  },
  {
    name: 'the same parent with and without sectionName',
    manifest: route({ parentRefs: [{ name: 'gw', sectionName: 'a' }, { name: 'gw' }] }),
    problems: [
      'spec.parentRefs[1]: sectionName must be set on all or none of the parentRefs that name the same parent',
    ],
  },
  {
    name: 'the same parent with different ports (the experimental CRD rule)',
    manifest: route({
      parentRefs: [
        { name: 'gw', port: 80 },
        { name: 'gw', port: 8080 },
      ],
    }),
  },
  {
    name: 'the same port with different sectionNames',
    manifest: route({
      parentRefs: [
        { name: 'gw', sectionName: 'a', port: 80 },
        { name: 'gw', sectionName: 'b', port: 80 },
      ],
    }),
  },
  {
    name: 'the same parent with and without port',
    manifest: route({ parentRefs: [{ name: 'gw' }, { name: 'gw', port: 80 }] }),
    problems: [
      'spec.parentRefs[1]: port must be set on all or none of the parentRefs that name the same parent',
    ],
  },
  {
    name: 'sectionName on one, sectionName and port on the other',
    manifest: route({
      parentRefs: [
        { name: 'gw', sectionName: 'a' },
        { name: 'gw', sectionName: 'b', port: 80 },
      ],
    }),
    problems: ['spec.parentRefs[1]: port must be set on all or none of the parentRefs'],
  },
  {
    name: 'the same port twice',
    manifest: route({
      parentRefs: [
        { name: 'gw', port: 80 },
        { name: 'gw', port: 80 },
      ],
    }),
    problems: ['spec.parentRefs[1]: duplicate parentRef: port 80 is already referenced'],
  },
  {
    name: 'the same sectionName and port twice',
    manifest: route({
      parentRefs: [
        { name: 'gw', sectionName: 'a', port: 80 },
        { name: 'gw', sectionName: 'a', port: 80 },
      ],
    }),
    problems: ['spec.parentRefs[1]: duplicate parentRef: sectionName "a" and port 80 are already referenced'],
  },
  {
    name: 'a namespace written on one reference only names another parent, as in the CRD',
    manifest: route({ parentRefs: [{ name: 'gw' }, { name: 'gw', namespace: 'default' }] }),
  },
  {
    name: 'the same sectionName twice',
    manifest: route({
      parentRefs: [
        { name: 'gw', sectionName: 'a' },
        { name: 'gw', sectionName: 'a' },
      ],
    }),
    problems: ['spec.parentRefs[1]: duplicate parentRef: sectionName "a" is already referenced'],
  },
  {
    name: 'parentRef without name, with a bad port',
    manifest: route({ parentRefs: [{ port: 0 }] }),
    problems: [
      'spec.parentRefs[0].port: must be between 1 and 65535, not 0',
      'spec.parentRefs[0].name: required field is missing',
    ],
  },
]);

test('HTTPRoute experimental defaults: sessionPersistence type Cookie, cookie lifetime Session', () => {
  const object = admitted<HTTPRoute>(
    withRule({
      retry: { codes: [500, 503], attempts: 3, backoff: '100ms' },
      sessionPersistence: { sessionName: 'sid', cookieConfig: {} },
    }),
  );
  const rule = object.spec.rules?.[0];
  assert.deepEqual(rule?.retry, { codes: [500, 503], attempts: 3, backoff: '100ms' });
  assert.deepEqual(rule?.sessionPersistence, {
    sessionName: 'sid',
    cookieConfig: { lifetimeType: 'Session' },
    type: 'Cookie',
  });
});

admissionCases('HTTPRoute retry (experimental)', [
  { name: 'codes only', manifest: withRule({ retry: { codes: [500, 502, 503, 504] } }) },
  { name: 'an empty retry', manifest: withRule({ retry: {} }) },
  {
    name: 'codes outside 400-599, repeated',
    manifest: withRule({ retry: { codes: [399, 600, 500, 500] } }),
    problems: [
      'spec.rules[0].retry.codes[0]: must be between 400 and 599, not 399',
      'spec.rules[0].retry.codes[1]: must be between 400 and 599, not 600',
      'spec.rules[0].retry.codes[3]: duplicate value 500',
    ],
  },
  {
    name: 'zero attempts',
    manifest: withRule({ retry: { attempts: 0 } }),
    problems: ['spec.rules[0].retry.attempts: must be at least 1, not 0'],
  },
  {
    name: 'a backoff that is not a GEP-2257 duration',
    manifest: withRule({ retry: { backoff: '1.5s' } }),
    problems: ['spec.rules[0].retry.backoff: invalid value "1.5s": must be a duration'],
  },
]);

admissionCases('HTTPRoute sessionPersistence (experimental)', [
  {
    name: 'a permanent cookie with an absolute timeout',
    manifest: withRule({
      sessionPersistence: {
        sessionName: 'sid',
        absoluteTimeout: '1h',
        cookieConfig: { lifetimeType: 'Permanent' },
      },
    }),
  },
  {
    name: 'a header',
    manifest: withRule({ sessionPersistence: { type: 'Header', sessionName: 'x-session' } }),
  },
  {
    name: 'a permanent cookie without an absolute timeout',
    manifest: withRule({ sessionPersistence: { cookieConfig: { lifetimeType: 'Permanent' } } }),
    problems: [
      'spec.rules[0].sessionPersistence.absoluteTimeout: required when cookieConfig.lifetimeType is Permanent',
    ],
  },
  {
    name: 'cookieConfig with type Header',
    manifest: withRule({ sessionPersistence: { type: 'Header', cookieConfig: {} } }),
    problems: ['spec.rules[0].sessionPersistence.cookieConfig: must not be set when type is Header'],
  },
  {
    name: 'unknown type and lifetime, long name, bad timeout',
    manifest: withRule({
      sessionPersistence: {
        type: 'Query',
        sessionName: 'x'.repeat(129),
        absoluteTimeout: '1d',
        cookieConfig: { lifetimeType: 'Forever' },
      },
    }),
    problems: [
      'spec.rules[0].sessionPersistence.type: unsupported value "Query"; must be one of: "Cookie", "Header"',
      'spec.rules[0].sessionPersistence.sessionName: must be at most 128 characters, not 129',
      'spec.rules[0].sessionPersistence.absoluteTimeout: invalid value "1d"',
      'spec.rules[0].sessionPersistence.cookieConfig.lifetimeType: unsupported value "Forever"',
    ],
  },
  {
    name: 'idleTimeout is not in the v1.6 CRD',
    manifest: withRule({ sessionPersistence: { idleTimeout: '1m' } }),
    problems: ['warning spec.rules[0].sessionPersistence.idleTimeout: unknown field; it is ignored'],
  },
]);
