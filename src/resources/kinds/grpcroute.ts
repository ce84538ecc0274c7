// GRPCRoute (gateway.networking.k8s.io): schema, defaults and CEL rules of the v1.6 CRD — method and header
// matches, filters, weighted backendRefs, parentRefs and the experimental sessionPersistence.

import { quote } from '../check.ts';
import {
  GATEWAY_GROUP,
  type GRPCMethodMatch,
  type GRPCRoute,
  type GRPCRouteFilter,
  type GRPCRouteMatch,
  type GRPCRouteRule,
  type GRPCRouteSpec,
} from '../gateway-api.ts';
import { hostname, localObjectReference, sectionName } from '../gateway-shared.ts';
import { defineKind } from '../kind.ts';
import { dnsSubdomain } from '../names.ts';
import { array, dropped, object, type Rule, string } from '../schema.ts';
import { headerFilter, requestMirror, routeFilter, routeFilterList } from './route-filters.ts';
import {
  compiles,
  headerMatch,
  parentRefs,
  routeRulesRules,
  sessionPersistence,
  weightedBackendRef,
} from './route-shared.ts';

// The CRD's patterns for Exact matches: a protobuf full name (`(?i)` there, the `i` flag here), a method name.
const servicePattern = /^\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$/i;
const methodPattern = /^[A-Za-z_][A-Za-z_0-9]*$/;

/** CEL on a method match: something to match, and Exact values that can be gRPC names. */
const methodMatchRules: Rule<GRPCMethodMatch> = (self, report) => {
  // `type` is always set after defaulting, so the CRD rule "has(self.type) ? …" always applies.
  if (self.service === undefined && self.method === undefined) {
    report('set service, method or both');
  }
  if (self.type === 'RegularExpression') {
    if (self.service !== undefined) compiles(self.service, report, ['service']);
    if (self.method !== undefined) compiles(self.method, report, ['method']);
    return;
  }
  if (self.service !== undefined && !servicePattern.test(self.service)) {
    report(
      `invalid service ${quote(self.service)} for type Exact: must be a full protobuf service name such as "helloworld.Greeter" (letters, digits, "_", dot-separated)`,
      ['service'],
    );
  }
  if (self.method !== undefined && !methodPattern.test(self.method)) {
    report(
      `invalid method ${quote(self.method)} for type Exact: must be letters, digits and "_", not starting with a digit`,
      ['method'],
    );
  }
};

const methodMatch = object<GRPCMethodMatch>(
  {
    type: string({ enum: ['Exact', 'RegularExpression'], default: 'Exact' }),
    service: string({ maxLength: 1024 }),
    method: string({ maxLength: 1024 }),
  },
  { rules: [methodMatchRules] },
);

const match = object<GRPCRouteMatch>({
  method: methodMatch,
  headers: array(headerMatch(), { maxItems: 16, listType: 'map', mapKeys: ['name'] }),
});

const filter = routeFilter<GRPCRouteFilter>(
  {
    RequestHeaderModifier: 'requestHeaderModifier',
    ResponseHeaderModifier: 'responseHeaderModifier',
    RequestMirror: 'requestMirror',
    ExtensionRef: 'extensionRef',
  },
  {
    requestHeaderModifier: headerFilter,
    responseHeaderModifier: headerFilter,
    requestMirror,
    extensionRef: localObjectReference(),
  },
);

function filterList() {
  return routeFilterList<GRPCRouteFilter>(filter, ['RequestMirror', 'ExtensionRef']);
}

const rule = object<GRPCRouteRule>({
  name: sectionName(),
  matches: array(match, { maxItems: 64 }),
  filters: filterList(),
  backendRefs: array(weightedBackendRef(filterList()), { maxItems: 16 }),
  sessionPersistence,
});

const spec = object<GRPCRouteSpec>({
  parentRefs: parentRefs(),
  hostnames: array(hostname(), { maxItems: 16 }),
  rules: array(rule, { maxItems: 16, rules: [routeRulesRules] }),
});

export const grpcRouteKind = defineKind<GRPCRoute>({
  group: GATEWAY_GROUP,
  kind: 'GRPCRoute',
  versions: ['v1'],
  namespaced: true,
  name: dnsSubdomain(),
  fields: { spec, status: dropped() },
  required: ['spec'],
});
