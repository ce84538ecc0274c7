// HTTPRoute (gateway.networking.k8s.io): schema, defaults and CEL rules of the v1.6 CRD — matches, rules,
// backendRefs, timeouts, the experimental retry and sessionPersistence (filters are in httproute-filters.ts).

import { quote } from '../check.ts';
import {
  GATEWAY_GROUP,
  type HTTPPathMatch,
  type HTTPQueryParamMatch,
  type HTTPRoute,
  type HTTPRouteFilter,
  type HTTPRouteMatch,
  type HTTPRouteRetry,
  type HTTPRouteRule,
  type HTTPRouteSpec,
  type HTTPRouteTimeouts,
} from '../gateway-api.ts';
import { duration, durationMs, headerName, hostname, sectionName } from '../gateway-shared.ts';
import { defineKind } from '../kind.ts';
import { dnsSubdomain } from '../names.ts';
import { array, dropped, integer, object, type Rule, string } from '../schema.ts';
import { filterList } from './httproute-filters.ts';
import {
  compiles,
  headerMatch,
  parentRefs,
  routeRulesRules,
  sessionPersistence,
  weightedBackendRef,
} from './route-shared.ts';

const defaultPath = { type: 'PathPrefix', value: '/' };

const pathValueChars = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;

/** CEL rules on Exact and PathPrefix values: an absolute, normalized path. */
const pathMatchRules: Rule<HTTPPathMatch> = (self, report) => {
  const value = self.value ?? '';
  if (self.type === 'RegularExpression') {
    compiles(value, report);
    return;
  }
  const forType = `for type ${self.type}`;
  const at = ['value'];
  if (!value.startsWith('/')) report(`must be an absolute path starting with "/" ${forType}`, at);
  for (const part of ['//', '/./', '/../', '%2f', '%2F', '#']) {
    if (value.includes(part)) report(`must not contain ${quote(part)} ${forType}`, at);
  }
  for (const end of ['/..', '/.']) {
    if (value.endsWith(end)) report(`must not end with ${quote(end)} ${forType}`, at);
  }
  if (!pathValueChars.test(value)) {
    report(
      `invalid path ${quote(value)} ${forType}: only letters, digits, -._~!$&'()*+,;=:@/ and %XX escapes are allowed`,
      at,
    );
  }
};

const pathMatch = object<HTTPPathMatch>(
  {
    type: string({ enum: ['Exact', 'PathPrefix', 'RegularExpression'], default: 'PathPrefix' }),
    value: string({ maxLength: 1024, default: '/' }),
  },
  { default: defaultPath, rules: [pathMatchRules] },
);

const queryParamMatch = object<HTTPQueryParamMatch>(
  {
    type: string({ enum: ['Exact', 'RegularExpression'], default: 'Exact' }),
    name: headerName(),
    value: string({ minLength: 1, maxLength: 1024 }),
  },
  {
    required: ['name', 'value'],
    rules: [
      (self, report) => {
        if (self.type === 'RegularExpression') compiles(self.value, report);
      },
    ],
  },
);

const match = object<HTTPRouteMatch>({
  path: pathMatch,
  headers: array(headerMatch(), { maxItems: 16, listType: 'map', mapKeys: ['name'] }),
  queryParams: array(queryParamMatch, { maxItems: 16, listType: 'map', mapKeys: ['name'] }),
  method: string({ enum: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] }),
});

const timeouts = object<HTTPRouteTimeouts>(
  { request: duration(), backendRequest: duration() },
  {
    rules: [
      (self, report) => {
        if (self.request === undefined || self.backendRequest === undefined) return;
        const request = durationMs(self.request);
        if (request !== 0 && durationMs(self.backendRequest) > request) {
          report(`must not be longer than the request timeout (${self.request})`, ['backendRequest']);
        }
      },
    ],
  },
);

/** Experimental `retry` (GEP-1731). */
const retry = object<HTTPRouteRetry>({
  codes: array(integer({ minimum: 400, maximum: 599 }), { listType: 'set' }),
  attempts: integer({ minimum: 1 }),
  backoff: duration(),
});

function replacesPrefix(filter: HTTPRouteFilter, field: 'requestRedirect' | 'urlRewrite'): boolean {
  const path = filter[field]?.path;
  return path?.type === 'ReplacePrefixMatch' && path.replacePrefixMatch !== undefined;
}

function count<T>(items: readonly T[] | undefined, predicate: (item: T) => boolean): number {
  return items?.filter(predicate).length ?? 0;
}

/** CEL rules of a route rule: a redirect answers the request itself; replacing a prefix needs that prefix. */
const ruleRules: Rule<HTTPRouteRule> = (rule, report) => {
  if ((rule.backendRefs?.length ?? 0) > 0 && rule.filters?.some((f) => f.requestRedirect !== undefined)) {
    report(
      'a rule with a RequestRedirect filter must not have backendRefs (the redirect answers the request)',
      ['backendRefs'],
    );
  }
  const matches = rule.matches ?? [];
  const onePrefixMatch = matches.length === 1 && matches[0].path?.type === 'PathPrefix';
  for (const [field, type] of [
    ['requestRedirect', 'RequestRedirect'],
    ['urlRewrite', 'URLRewrite'],
  ] as const) {
    // The CRD counts with exists_one: exactly one such filter (or backend) triggers the check. Kept as is, so
    // that Sluice accepts exactly what the API server accepts.
    const inRule = count(rule.filters, (f) => replacesPrefix(f, field)) === 1;
    const inBackend =
      count(rule.backendRefs, (b) => count(b.filters, (f) => replacesPrefix(f, field)) === 1) === 1;
    if ((inRule || inBackend) && !onePrefixMatch) {
      const where = inRule ? 'a' : 'a backendRef';
      report(
        `${where} ${type} filter with path.replacePrefixMatch needs the rule to have exactly one match, of type PathPrefix`,
        ['matches'],
      );
    }
  }
};

const rule = object<HTTPRouteRule>(
  {
    name: sectionName(),
    matches: array(match, { maxItems: 64, default: [{ path: defaultPath }] }),
    filters: filterList(),
    backendRefs: array(weightedBackendRef(filterList()), { maxItems: 16 }),
    timeouts,
    retry,
    sessionPersistence,
  },
  { rules: [ruleRules] },
);

const spec = object<HTTPRouteSpec>({
  parentRefs: parentRefs(),
  hostnames: array(hostname(), { maxItems: 16 }),
  rules: array(rule, {
    minItems: 1,
    maxItems: 16,
    default: [{ matches: [{ path: defaultPath }] }],
    rules: [routeRulesRules],
  }),
});

export const httpRouteKind = defineKind<HTTPRoute>({
  group: GATEWAY_GROUP,
  kind: 'HTTPRoute',
  versions: ['v1', 'v1beta1'],
  namespaced: true,
  name: dnsSubdomain(),
  fields: { spec, status: dropped() },
  required: ['spec'],
});
