// Compiles a rule's or backend's IRFilter list once per IR into the form the request path applies.

import { SluiceError } from '../../errors.ts';
import type { IRFilter, IRMatch, IRPathModifier } from '../../ir/types.ts';
import { type ClusterRuntime, missingCluster } from '../forward/clusters.ts';
import { type LocalReply, localReply } from '../local-reply.ts';
import { type CompiledCors, compileCors } from './cors.ts';
import { type CompiledHeaderModifier, compileHeaderModifier } from './header-modifier.ts';
import type { BoundPathModifier } from './path-modifier.ts';
import type { CompiledRedirect } from './redirect.ts';

export type CompiledFilter =
  | { type: 'RequestHeaderModifier'; modifier: CompiledHeaderModifier }
  | { type: 'ResponseHeaderModifier'; modifier: CompiledHeaderModifier }
  | { type: 'RequestRedirect'; redirect: CompiledRedirect }
  /** `host` sets the upstream Host header (a prepared `set host` modifier). */
  | { type: 'URLRewrite'; host: CompiledHeaderModifier | null; path: BoundPathModifier | null }
  /** Sends a copy of `numerator / denominator` of the requests to the cluster; its answers are dropped. */
  | { type: 'RequestMirror'; cluster: ClusterRuntime; numerator: number; denominator: number }
  | { type: 'CORS'; cors: CompiledCors }
  /** Answers the request at the gateway with a prepared registry error. */
  | { type: 'LocalReply'; reply: LocalReply };

/**
 * `match` is the route match the filters belong to (ReplacePrefixMatch replaces its PathPrefix);
 * `clusters` resolves mirror targets.
 */
export function compileFilters(
  filters: readonly IRFilter[],
  match: IRMatch,
  clusters: ReadonlyMap<string, ClusterRuntime>,
): CompiledFilter[] {
  return filters.map((filter) => compileFilter(filter, match, clusters));
}

function compileFilter(
  filter: IRFilter,
  match: IRMatch,
  clusters: ReadonlyMap<string, ClusterRuntime>,
): CompiledFilter {
  switch (filter.type) {
    case 'RequestHeaderModifier':
    case 'ResponseHeaderModifier':
      return { type: filter.type, modifier: compileHeaderModifier(filter.modifier) };
    case 'RequestRedirect': {
      const { redirect } = filter;
      const path = redirect.path === undefined ? null : bindPathModifier(redirect.path, match);
      if (path === undefined) return unsupported(500);
      return {
        type: 'RequestRedirect',
        redirect: {
          scheme: redirect.scheme ?? null,
          hostname: redirect.hostname ?? null,
          port: redirect.port ?? null,
          path,
          statusCode: redirect.statusCode,
        },
      };
    }
    case 'URLRewrite': {
      const path = filter.rewrite.path === undefined ? null : bindPathModifier(filter.rewrite.path, match);
      if (path === undefined) return unsupported(500);
      const { hostname } = filter.rewrite;
      const host =
        hostname === undefined
          ? null
          : compileHeaderModifier({ set: [['host', hostname]], add: [], remove: [] });
      return { type: 'URLRewrite', host, path };
    }
    case 'RequestMirror': {
      const { cluster, numerator, denominator } = filter.mirror;
      return {
        type: 'RequestMirror',
        cluster: clusters.get(cluster) ?? missingCluster(cluster),
        numerator,
        denominator,
      };
    }
    case 'CORS':
      return { type: 'CORS', cors: compileCors(filter.cors) };
    case 'DirectResponse':
      return unsupported(filter.status);
  }
}

/** Undefined when the modifier cannot apply: ReplacePrefixMatch needs a PathPrefix match. */
function bindPathModifier(modifier: IRPathModifier, match: IRMatch): BoundPathModifier | undefined {
  if (modifier.type === 'ReplaceFullPath') return modifier;
  if (match.path.type !== 'PathPrefix') return undefined;
  return { type: 'ReplacePrefixMatch', prefix: match.path.value, value: modifier.value };
}

function unsupported(status: number): CompiledFilter {
  return { type: 'LocalReply', reply: localReply(new SluiceError('filter_unsupported'), status) };
}
