// GRPCRoute rules → IR pieces. A gRPC method is the HTTP/2 path `/<service>/<method>`, so method matches
// become path matches; precedence ranks them by the characters of service, then method.

import type { IRCluster, IRMatch, IRPathMatch } from '../ir/types.ts';
import type { GRPCMethodMatch, GRPCRoute, GRPCRouteMatch } from '../resources/gateway-api.ts';
import type { TranslateContext } from './context.ts';
import { compileFilters } from './filters.ts';
import {
  type CompiledRule,
  compileBackends,
  compileHeaderMatches,
  newRule,
  ruleEnvironment,
} from './httprules.ts';
import type { GrpcMethodRank } from './listener.ts';
import { compileSessionPersistence } from './session.ts';

export function compileGrpcRules(
  context: TranslateContext,
  route: GRPCRoute,
  clusters: Map<string, IRCluster>,
): CompiledRule[] {
  return (route.spec.rules ?? []).map((rule, index) => {
    const matches = rule.matches?.length ? rule.matches : [{}];
    const compiled = newRule(index, matches.map(compileGrpcMatch));
    compiled.grpcMethods = matches.map(methodRank);
    const env = ruleEnvironment(context, route, compiled, clusters);
    compiled.filters = compileFilters(rule.filters ?? [], env);
    compiled.backends = compileBackends(rule.backendRefs ?? [], env);
    const session = compileSessionPersistence(rule.sessionPersistence, route, index);
    if (session) compiled.sessionPersistence = session;
    return compiled;
  });
}

function compileGrpcMatch(match: GRPCRouteMatch): IRMatch {
  return {
    path: methodPath(match.method),
    headers: compileHeaderMatches(match.headers ?? []),
    queryParams: [],
  };
}

function methodPath(method: GRPCMethodMatch | undefined): IRPathMatch {
  if (!method || (method.service === undefined && method.method === undefined))
    return { type: 'PathPrefix', value: '/' };
  if ((method.type ?? 'Exact') === 'Exact') {
    if (method.service !== undefined && method.method !== undefined) {
      return { type: 'Exact', value: `/${method.service}/${method.method}` };
    }
    if (method.service !== undefined) return { type: 'PathPrefix', value: `/${method.service}` };
    return { type: 'RegularExpression', value: `/[^/]+/${escapeRegExp(method.method ?? '')}` };
  }
  return {
    type: 'RegularExpression',
    value: `/(?:${method.service ?? '[^/]+'})/(?:${method.method ?? '[^/]+'})`,
  };
}

function methodRank(match: GRPCRouteMatch): GrpcMethodRank {
  return {
    serviceLength: match.method?.service?.length ?? 0,
    methodLength: match.method?.method?.length ?? 0,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
