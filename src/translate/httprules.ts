// HTTPRoute rules → IR pieces (matches, filters, weighted backends), with the problems each rule has.

import type {
  IRBackend,
  IRCluster,
  IRFilter,
  IRHeaderModifier,
  IRMatch,
  IRPathModifier,
  IRTimeouts,
} from '../ir/types.ts';
import type {
  HTTPBackendRef,
  HTTPHeaderFilter,
  HTTPPathModifier,
  HTTPRoute,
  HTTPRouteFilter,
  HTTPRouteMatch,
  HTTPRouteRule,
} from '../resources/gateway-api.ts';
import { durationMs } from '../resources/gateway-shared.ts';
import { type BackendProblemReason, resolveBackend } from './backends.ts';
import type { TranslateContext } from './context.ts';

export interface CompiledRule {
  index: number;
  matches: IRMatch[];
  filters: IRFilter[];
  backends: IRBackend[];
  timeouts?: IRTimeouts;
  /** Set when the rule cannot be implemented; it is then dropped (route `PartiallyInvalid` or not accepted). */
  unsupported?: string;
  refProblems: { reason: BackendProblemReason; message: string }[];
}

export function compileRules(
  context: TranslateContext,
  route: HTTPRoute,
  clusters: Map<string, IRCluster>,
): CompiledRule[] {
  return (route.spec.rules ?? []).map((rule, index) => compileRule(context, route, rule, index, clusters));
}

function compileRule(
  context: TranslateContext,
  route: HTTPRoute,
  rule: HTTPRouteRule,
  index: number,
  clusters: Map<string, IRCluster>,
): CompiledRule {
  const compiled: CompiledRule = {
    index,
    matches: (rule.matches ?? [{}]).map(compileMatch),
    filters: [],
    backends: [],
    refProblems: [],
  };
  const filters = compileFilters(rule.filters ?? [], compiled);
  compiled.filters = filters;
  for (const ref of rule.backendRefs ?? [])
    compiled.backends.push(compileBackend(context, route, ref, compiled, clusters));
  const timeouts = compileTimeouts(rule);
  if (timeouts) compiled.timeouts = timeouts;
  return compiled;
}

function compileMatch(match: HTTPRouteMatch): IRMatch {
  const path = match.path ?? { type: 'PathPrefix', value: '/' };
  const headerNames = new Set<string>();
  const queryNames = new Set<string>();
  const compiled: IRMatch = {
    path: { type: path.type ?? 'PathPrefix', value: path.value ?? '/' },
    // Only the first entry for a name counts (header names compare case-insensitively).
    headers: (match.headers ?? []).flatMap((header) => {
      const name = header.name.toLowerCase();
      if (headerNames.has(name)) return [];
      headerNames.add(name);
      return [{ name, type: header.type ?? 'Exact', value: header.value }];
    }),
    queryParams: (match.queryParams ?? []).flatMap((param) => {
      if (queryNames.has(param.name)) return [];
      queryNames.add(param.name);
      return [{ name: param.name, type: param.type ?? 'Exact', value: param.value }];
    }),
  };
  if (match.method) compiled.method = match.method;
  return compiled;
}

function compileFilters(filters: HTTPRouteFilter[], rule: CompiledRule): IRFilter[] {
  const compiled: IRFilter[] = [];
  for (const filter of filters) {
    switch (filter.type) {
      case 'RequestHeaderModifier':
        compiled.push({
          type: 'RequestHeaderModifier',
          modifier: headerModifier(filter.requestHeaderModifier),
        });
        break;
      case 'ResponseHeaderModifier':
        compiled.push({
          type: 'ResponseHeaderModifier',
          modifier: headerModifier(filter.responseHeaderModifier),
        });
        break;
      case 'RequestRedirect': {
        const redirect = filter.requestRedirect ?? {};
        compiled.push({
          type: 'RequestRedirect',
          redirect: {
            ...(redirect.scheme === 'http' || redirect.scheme === 'https' ? { scheme: redirect.scheme } : {}),
            ...(redirect.hostname ? { hostname: redirect.hostname } : {}),
            ...(redirect.port ? { port: redirect.port } : {}),
            ...(redirect.path ? { path: pathModifier(redirect.path) } : {}),
            statusCode: redirect.statusCode ?? 302,
          },
        });
        break;
      }
      case 'URLRewrite': {
        const rewrite = filter.urlRewrite ?? {};
        compiled.push({
          type: 'URLRewrite',
          rewrite: {
            ...(rewrite.hostname ? { hostname: rewrite.hostname } : {}),
            ...(rewrite.path ? { path: pathModifier(rewrite.path) } : {}),
          },
        });
        break;
      }
      case 'ExtensionRef': {
        // An unresolvable extension must not be skipped: its requests get a 500.
        const ref = filter.extensionRef;
        compiled.push({ type: 'DirectResponse', status: 500 });
        rule.refProblems.push({
          reason: 'InvalidKind',
          message: `ExtensionRef ${ref?.group}/${ref?.kind} ${ref?.name} is not a kind Sluice supports`,
        });
        break;
      }
      default:
        rule.unsupported ??= `filter type ${filter.type} is not supported yet`;
    }
  }
  return compiled;
}

function compileBackend(
  context: TranslateContext,
  route: HTTPRoute,
  ref: HTTPBackendRef,
  rule: CompiledRule,
  clusters: Map<string, IRCluster>,
): IRBackend {
  const resolution = resolveBackend(context, route, ref, clusters);
  if (resolution.problem) rule.refProblems.push(resolution.problem);
  return {
    weight: ref.weight ?? 1,
    target: resolution.target,
    filters: compileFilters(ref.filters ?? [], rule),
  };
}

function compileTimeouts(rule: HTTPRouteRule): IRTimeouts | undefined {
  const request = rule.timeouts?.request === undefined ? undefined : durationMs(rule.timeouts.request);
  const backendRequest =
    rule.timeouts?.backendRequest === undefined ? undefined : durationMs(rule.timeouts.backendRequest);
  if (!request && !backendRequest) return undefined;
  return {
    ...(request ? { requestMs: request } : {}),
    ...(backendRequest ? { backendRequestMs: backendRequest } : {}),
  };
}

function headerModifier(filter: HTTPHeaderFilter | undefined): IRHeaderModifier {
  return {
    set: (filter?.set ?? []).map((header) => [header.name, header.value]),
    add: (filter?.add ?? []).map((header) => [header.name, header.value]),
    remove: filter?.remove ?? [],
  };
}

function pathModifier(modifier: HTTPPathModifier): IRPathModifier {
  return modifier.type === 'ReplaceFullPath'
    ? { type: 'ReplaceFullPath', value: modifier.replaceFullPath ?? '/' }
    : { type: 'ReplacePrefixMatch', value: modifier.replacePrefixMatch ?? '/' };
}
