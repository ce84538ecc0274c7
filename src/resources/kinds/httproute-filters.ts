// HTTPRoute filters (`HTTPRouteFilter` of the v1.6 standard CRD): each filter type, its settings and defaults,
// and the CEL rules on a filter list (type ↔ settings, which types may repeat, redirect vs rewrite).

import { quote } from '../check.ts';
import type {
  HTTPCORSFilter,
  HTTPHeader,
  HTTPHeaderFilter,
  HTTPPathModifier,
  HTTPRequestMirrorFilter,
  HTTPRequestRedirectFilter,
  HTTPRouteFilter,
  HTTPURLRewriteFilter,
} from '../gateway-api.ts';
import {
  backendObjectReference,
  headerName,
  localObjectReference,
  portNumber,
  preciseHostname,
} from '../gateway-shared.ts';
import { array, boolean, integer, object, type Rule, string } from '../schema.ts';

/** Each filter type and the field that carries its settings; exactly that field is set for that type. */
const filterFields = {
  RequestHeaderModifier: 'requestHeaderModifier',
  ResponseHeaderModifier: 'responseHeaderModifier',
  RequestMirror: 'requestMirror',
  RequestRedirect: 'requestRedirect',
  URLRewrite: 'urlRewrite',
  ExtensionRef: 'extensionRef',
  CORS: 'cors',
} as const satisfies Record<string, keyof HTTPRouteFilter>;

type FilterType = keyof typeof filterFields;

const filterTypes = Object.keys(filterFields) as FilterType[];

/** Filter types that may appear more than once in one list. */
const repeatable: readonly string[] = ['RequestMirror', 'ExtensionRef'];

const header = object<HTTPHeader>(
  { name: headerName(), value: string({ minLength: 1, maxLength: 4096 }) },
  { required: ['name', 'value'] },
);

const headerFilter = object<HTTPHeaderFilter>({
  set: array(header, { maxItems: 16, listType: 'map', mapKeys: ['name'] }),
  add: array(header, { maxItems: 16, listType: 'map', mapKeys: ['name'] }),
  remove: array(string(), { maxItems: 16, listType: 'set' }),
});

const pathModifier = object<HTTPPathModifier>(
  {
    type: string({ enum: ['ReplaceFullPath', 'ReplacePrefixMatch'] }),
    replaceFullPath: string({ maxLength: 1024 }),
    replacePrefixMatch: string({ maxLength: 1024 }),
  },
  {
    required: ['type'],
    rules: [
      (self, report) => {
        if (self.type === 'ReplaceFullPath' && self.replaceFullPath === undefined) {
          report('required when type is ReplaceFullPath', ['replaceFullPath']);
        }
        if (self.type !== 'ReplaceFullPath' && self.replaceFullPath !== undefined) {
          report('must not be set unless type is ReplaceFullPath', ['replaceFullPath']);
        }
        if (self.type === 'ReplacePrefixMatch' && self.replacePrefixMatch === undefined) {
          report('required when type is ReplacePrefixMatch', ['replacePrefixMatch']);
        }
        if (self.type !== 'ReplacePrefixMatch' && self.replacePrefixMatch !== undefined) {
          report('must not be set unless type is ReplacePrefixMatch', ['replacePrefixMatch']);
        }
      },
    ],
  },
);

const requestRedirect = object<HTTPRequestRedirectFilter>({
  scheme: string({ enum: ['http', 'https'] }),
  hostname: preciseHostname(),
  path: pathModifier,
  port: portNumber(),
  statusCode: integer({ enum: [301, 302, 303, 307, 308], default: 302 }),
});

const urlRewrite = object<HTTPURLRewriteFilter>({ hostname: preciseHostname(), path: pathModifier });

type Fraction = NonNullable<HTTPRequestMirrorFilter['fraction']>;

const requestMirror = object<HTTPRequestMirrorFilter>(
  {
    backendRef: backendObjectReference(),
    percent: integer({ minimum: 0, maximum: 100 }),
    fraction: object<Fraction>(
      { numerator: integer({ minimum: 0 }), denominator: integer({ minimum: 1, default: 100 }) },
      {
        required: ['numerator'],
        rules: [
          (self, report) => {
            if (self.numerator > (self.denominator ?? 100)) {
              report(`must not be greater than the denominator (${self.denominator})`, ['numerator']);
            }
          },
        ],
      },
    ),
  },
  {
    required: ['backendRef'],
    rules: [
      (self, report) => {
        if (self.percent !== undefined && self.fraction !== undefined) {
          report('set either percent or fraction, not both', ['fraction']);
        }
      },
    ],
  },
);

/** CEL: `*` stands for everything, so it must be the only entry. */
function wildcardAlone(what: string): Rule<string[]> {
  return (self, report) => {
    if (self.includes('*') && self.length > 1) report(`"*" allows all ${what} and must be the only entry`);
  };
}

const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;

const cors = object<HTTPCORSFilter>({
  allowOrigins: array(
    string({
      minLength: 1,
      maxLength: 253,
      pattern: /(^\*$)|(^(http(s)?):\/\/(((\*\.)?([a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+|\*)(:([0-9]{1,5}))?)$)/,
      patternMeans:
        '"*" or an origin such as "https://example.com", "https://*.example.com" or "http://example.com:8080"',
    }),
    { maxItems: 64, listType: 'set', rules: [wildcardAlone('origins')] },
  ),
  allowCredentials: boolean(),
  allowMethods: array(string({ enum: [...methods, '*'] }), {
    maxItems: 9,
    listType: 'set',
    rules: [wildcardAlone('methods')],
  }),
  allowHeaders: array(headerName(), { maxItems: 64, listType: 'set', rules: [wildcardAlone('headers')] }),
  exposeHeaders: array(headerName(), { maxItems: 64, listType: 'set' }),
  maxAge: integer({ minimum: 1, default: 5 }),
});

/** CEL: the settings field that matches `type` is set, and no other. */
const settingsMatchType: Rule<HTTPRouteFilter> = (self, report) => {
  for (const type of filterTypes) {
    const field = filterFields[type];
    if (self.type === type && self[field] === undefined) report(`required when type is ${type}`, [field]);
    if (self.type !== type && self[field] !== undefined) {
      report(`must not be set when type is ${self.type} (it belongs to type ${type})`, [field]);
    }
  }
};

const filter = object<HTTPRouteFilter>(
  {
    type: string({ enum: filterTypes }),
    requestHeaderModifier: headerFilter,
    responseHeaderModifier: headerFilter,
    requestMirror,
    requestRedirect,
    urlRewrite,
    cors,
    extensionRef: localObjectReference(),
  },
  { required: ['type'], rules: [settingsMatchType] },
);

/** CEL on a filter list: no redirect together with a rewrite; only mirrors and extension refs repeat. */
const filterListRules: Rule<HTTPRouteFilter[]> = (filters, report) => {
  const redirect = filters.findIndex((f) => f.type === 'RequestRedirect');
  const rewrite = filters.findIndex((f) => f.type === 'URLRewrite');
  if (redirect >= 0 && rewrite >= 0) {
    report('RequestRedirect and URLRewrite filters cannot be used together', [
      Math.max(redirect, rewrite),
      'type',
    ]);
  }
  filters.forEach((f, index) => {
    if (repeatable.includes(f.type)) return;
    if (filters.findIndex((other) => other.type === f.type) < index) {
      report(
        `filter type ${quote(f.type)} may appear only once in a list (only RequestMirror and ExtensionRef may repeat)`,
        [index, 'type'],
      );
    }
  });
};

/** `filters` of a route rule or of one backendRef. */
export function filterList() {
  return array<HTTPRouteFilter>(filter, { maxItems: 16, rules: [filterListRules] });
}
