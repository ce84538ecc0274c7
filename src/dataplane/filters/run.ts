// Runs compiled filters in list order against a request; a redirect or local reply ends the list.

import type { CompiledFilter } from './compile.ts';
import { type CompiledHeaderModifier, modifyHeaderList } from './header-modifier.ts';
import { modifyPath } from './path-modifier.ts';
import { type RedirectRequest, redirectLocation } from './redirect.ts';

/** The parts of a request in flight that filters read and change. */
export interface FilterTarget extends RedirectRequest {
  /** Upstream request headers as a flat `[name, value, …]` list. */
  upstreamHeaders: string[];
  /** Upstream path without the query string. */
  upstreamPath: string;
  /** Response modifiers to apply to the upstream response, in order. */
  responseModifiers: CompiledHeaderModifier[] | null;
  replyLocal(status: number, body: string): void;
  replyRedirect(status: number, location: string): void;
}

/** Returns false when a filter answered the request (nothing more may run). */
export function runFilters(target: FilterTarget, filters: readonly CompiledFilter[]): boolean {
  for (const filter of filters) {
    switch (filter.type) {
      case 'RequestHeaderModifier':
        modifyHeaderList(target.upstreamHeaders, filter.modifier);
        break;
      case 'ResponseHeaderModifier':
        if (target.responseModifiers === null) target.responseModifiers = [filter.modifier];
        else target.responseModifiers.push(filter.modifier);
        break;
      case 'URLRewrite':
        if (filter.host !== null) modifyHeaderList(target.upstreamHeaders, filter.host);
        if (filter.path !== null) target.upstreamPath = modifyPath(target.upstreamPath, filter.path);
        break;
      case 'RequestRedirect':
        target.replyRedirect(filter.redirect.statusCode, redirectLocation(target, filter.redirect));
        return false;
      case 'LocalReply':
        target.replyLocal(filter.status, filter.body);
        return false;
    }
  }
  return true;
}
