// HTTPRoute filters (`HTTPRouteFilter` of the v1.6 standard CRD): the HTTP-only filter types (redirect, rewrite,
// CORS) with their settings and defaults, and the CEL rules on an HTTPRoute filter list.

import type {
  HTTPCORSFilter,
  HTTPPathModifier,
  HTTPRequestRedirectFilter,
  HTTPRouteFilter,
  HTTPURLRewriteFilter,
} from '../gateway-api.ts';
import { headerName, localObjectReference, portNumber, preciseHostname } from '../gateway-shared.ts';
import { array, boolean, integer, object, type Rule, string } from '../schema.ts';
import { headerFilter, requestMirror, routeFilter, routeFilterList } from './route-filters.ts';

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

const filter = routeFilter<HTTPRouteFilter>(filterFields, {
  requestHeaderModifier: headerFilter,
  responseHeaderModifier: headerFilter,
  requestMirror,
  requestRedirect,
  urlRewrite,
  cors,
  extensionRef: localObjectReference(),
});

/** CEL on an HTTPRoute filter list: no redirect together with a rewrite. */
const redirectOrRewrite: Rule<HTTPRouteFilter[]> = (filters, report) => {
  const redirect = filters.findIndex((f) => f.type === 'RequestRedirect');
  const rewrite = filters.findIndex((f) => f.type === 'URLRewrite');
  if (redirect >= 0 && rewrite >= 0) {
    report('RequestRedirect and URLRewrite filters cannot be used together', [
      Math.max(redirect, rewrite),
      'type',
    ]);
  }
};

/** `filters` of a route rule or of one backendRef. */
export function filterList() {
  return routeFilterList<HTTPRouteFilter>(filter, ['RequestMirror', 'ExtensionRef'], [redirectOrRewrite]);
}
