// Runs compiled filters in list order against a request; a redirect or local reply ends the list.

import type { ClusterRuntime } from '../forward/clusters.ts';
import type { LocalReply } from '../local-reply.ts';
import type { MatchInput } from '../router/match.ts';
import type { CompiledFilter } from './compile.ts';
import { actualResponseModifier, allowsOrigin, type CompiledCors, preflightHeaders } from './cors.ts';
import { type CompiledHeaderModifier, modifyHeaderList } from './header-modifier.ts';
import { modifyPath } from './path-modifier.ts';
import { type RedirectRequest, redirectLocation } from './redirect.ts';

/** The parts of a request in flight that filters read and change. */
export interface FilterTarget extends RedirectRequest, MatchInput {
  /** Upstream request headers as a flat `[name, value, …]` list. */
  upstreamHeaders: string[];
  /** Upstream path without the query string. */
  upstreamPath: string;
  /** Response modifiers to apply to the upstream response, in order. */
  responseModifiers: CompiledHeaderModifier[] | null;
  /** Answers at the gateway with a registry error. */
  replyLocal(reply: LocalReply): void;
  /** Answers at the gateway with headers only. */
  replyEmpty(status: number, headers: Record<string, string>): void;
  /** Sends a copy of the request, as it is at this point, to the cluster. */
  mirror(cluster: ClusterRuntime): void;
}

/** Returns false when a filter answered the request (nothing more may run). */
export function runFilters(target: FilterTarget, filters: readonly CompiledFilter[]): boolean {
  for (const filter of filters) {
    switch (filter.type) {
      case 'RequestHeaderModifier':
        modifyHeaderList(target.upstreamHeaders, filter.modifier);
        break;
      case 'ResponseHeaderModifier':
        addResponseModifier(target, filter.modifier);
        break;
      case 'URLRewrite':
        if (filter.host !== null) modifyHeaderList(target.upstreamHeaders, filter.host);
        if (filter.path !== null) target.upstreamPath = modifyPath(target.upstreamPath, filter.path);
        break;
      case 'RequestMirror':
        if (Math.random() * filter.denominator < filter.numerator) target.mirror(filter.cluster);
        break;
      case 'CORS':
        if (!applyCors(target, filter.cors)) return false;
        break;
      case 'RequestRedirect':
        target.replyEmpty(filter.redirect.statusCode, {
          location: redirectLocation(target, filter.redirect),
        });
        return false;
      case 'LocalReply':
        target.replyLocal(filter.reply);
        return false;
    }
  }
  return true;
}

function addResponseModifier(target: FilterTarget, modifier: CompiledHeaderModifier): void {
  if (target.responseModifiers === null) target.responseModifiers = [modifier];
  else target.responseModifiers.push(modifier);
}

/** Answers preflights (returns false); marks actual requests from an allowed origin for the allow headers. */
function applyCors(target: FilterTarget, cors: CompiledCors): boolean {
  const origin = target.header('origin');
  if (origin === undefined) return true;
  const allowed = allowsOrigin(cors, origin);
  const requestMethod =
    target.method === 'OPTIONS' ? target.header('access-control-request-method') : undefined;
  if (requestMethod !== undefined) {
    const headers = allowed
      ? preflightHeaders(cors, origin, requestMethod, target.header('access-control-request-headers'))
      : {};
    target.replyEmpty(200, headers);
    return false;
  }
  if (allowed) addResponseModifier(target, actualResponseModifier(cors, origin));
  return true;
}
