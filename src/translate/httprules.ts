// HTTPRoute rules → IR pieces (matches, filters, weighted backends), with the problems each rule has.

import type {
  IRBackend,
  IRCluster,
  IRFilter,
  IRMatch,
  IRRetry,
  IRSessionPersistence,
  IRTimeouts,
  IRValueMatch,
} from '../ir/types.ts';
import type {
  HTTPBackendRef,
  HTTPHeaderMatch,
  HTTPRoute,
  HTTPRouteFilter,
  HTTPRouteMatch,
  HTTPRouteRule,
} from '../resources/gateway-api.ts';
import { durationMs } from '../resources/gateway-shared.ts';
import type { KubeObject } from '../resources/object.ts';
import { type BackendProblemReason, resolveBackend } from './backends.ts';
import type { TranslateContext } from './context.ts';
import { compileFilters, type FilterEnvironment } from './filters.ts';
import type { GrpcMethodRank } from './listener.ts';
import { compileSessionPersistence } from './session.ts';

export interface CompiledRule {
  index: number;
  matches: IRMatch[];
  filters: IRFilter[];
  backends: IRBackend[];
  timeouts?: IRTimeouts;
  retry?: IRRetry;
  sessionPersistence?: IRSessionPersistence;
  /** GRPCRoute rules: the precedence rank of each match. */
  grpcMethods?: GrpcMethodRank[];
  /** Set when the rule cannot be implemented; it is then dropped (route `PartiallyInvalid` or not accepted). */
  unsupported?: string;
  refProblems: { reason: BackendProblemReason; message: string }[];
}

export function compileRules(
  context: TranslateContext,
  route: HTTPRoute,
  clusters: Map<string, IRCluster>,
): CompiledRule[] {
  return (route.spec.rules ?? []).map((rule, index) => {
    const compiled = newRule(index, (rule.matches ?? [{}]).map(compileMatch));
    const env = ruleEnvironment(context, route, compiled, clusters);
    compiled.filters = compileFilters(rule.filters ?? [], env);
    compiled.backends = compileBackends(rule.backendRefs ?? [], env);
    const timeouts = compileTimeouts(rule);
    if (timeouts) compiled.timeouts = timeouts;
    const retry = compileRetry(rule);
    if (retry) compiled.retry = retry;
    const session = compileSessionPersistence(rule.sessionPersistence, route, index);
    if (session) compiled.sessionPersistence = session;
    return compiled;
  });
}

export function newRule(index: number, matches: IRMatch[]): CompiledRule {
  return { index, matches, filters: [], backends: [], refProblems: [] };
}

/** How filters and backendRefs of one rule resolve references and report problems. */
export function ruleEnvironment(
  context: TranslateContext,
  route: KubeObject,
  rule: CompiledRule,
  clusters: Map<string, IRCluster>,
): FilterEnvironment {
  return {
    resolveBackend: (ref) => resolveBackend(context, route, ref, clusters),
    refProblem: (problem) => rule.refProblems.push(problem),
    unsupported: (reason) => {
      rule.unsupported ??= reason;
    },
  };
}

export function compileBackends(
  refs: (HTTPBackendRef & { filters?: HTTPRouteFilter[] })[],
  env: FilterEnvironment,
): IRBackend[] {
  return refs.map((ref) => {
    const resolution = env.resolveBackend(ref);
    if (resolution.problem) env.refProblem(resolution.problem);
    return {
      weight: ref.weight ?? 1,
      target: resolution.target,
      filters: compileFilters(ref.filters ?? [], env),
    };
  });
}

function compileMatch(match: HTTPRouteMatch): IRMatch {
  const path = match.path ?? { type: 'PathPrefix', value: '/' };
  const queryNames = new Set<string>();
  const compiled: IRMatch = {
    path: { type: path.type ?? 'PathPrefix', value: path.value ?? '/' },
    headers: compileHeaderMatches(match.headers ?? []),
    // Only the first entry for a name counts.
    queryParams: (match.queryParams ?? []).flatMap((param) => {
      if (queryNames.has(param.name)) return [];
      queryNames.add(param.name);
      return [{ name: param.name, type: param.type ?? 'Exact', value: param.value }];
    }),
  };
  if (match.method) compiled.method = match.method;
  return compiled;
}

/** Header matches with lower-cased names; only the first entry for a name counts. */
export function compileHeaderMatches(headers: HTTPHeaderMatch[]): IRValueMatch[] {
  const names = new Set<string>();
  return headers.flatMap((header) => {
    const name = header.name.toLowerCase();
    if (names.has(name)) return [];
    names.add(name);
    return [{ name, type: header.type ?? 'Exact', value: header.value }];
  });
}

function compileTimeouts(rule: HTTPRouteRule): IRTimeouts | undefined {
  const request = rule.timeouts?.request === undefined ? 0 : durationMs(rule.timeouts.request);
  const backendRequest =
    rule.timeouts?.backendRequest === undefined ? 0 : durationMs(rule.timeouts.backendRequest);
  if (!request && !backendRequest) return undefined;
  return {
    ...(request ? { requestMs: request } : {}),
    ...(backendRequest ? { backendRequestMs: backendRequest } : {}),
  };
}

/** Sluice's defaults where the spec leaves them to the implementation: one retry, 25 ms apart. */
const defaultRetryAttempts = 1;
const defaultRetryBackoffMs = 25;

function compileRetry(rule: HTTPRouteRule): IRRetry | undefined {
  if (!rule.retry) return undefined;
  return {
    codes: rule.retry.codes ?? [],
    attempts: rule.retry.attempts ?? defaultRetryAttempts,
    backoffMs: rule.retry.backoff === undefined ? defaultRetryBackoffMs : durationMs(rule.retry.backoff),
  };
}
