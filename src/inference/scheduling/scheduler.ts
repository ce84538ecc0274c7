// The scheduler of one pool: plugin instances made from an EndpointPickerConfig, the profile they form,
// and the request-control hooks that run around each pick.

import { SluiceError } from '../../errors.ts';
import type { Endpoint } from '../datalayer/endpoint.ts';
import type { EndpointPickerConfig } from './config.ts';
import { type Profile, runProfile } from './profile.ts';
import {
  type CycleState,
  isEndpointObserver,
  isFilter,
  isPicker,
  isPreRequest,
  isResponseComplete,
  isResponseFirstChunk,
  isResponseHeaders,
  isScorer,
  type Plugin,
  type PluginContext,
  type RequestOutcome,
  type ResponseHeader,
  type SchedulingRequest,
  type SchedulingResult,
} from './types.ts';

export class Scheduler {
  readonly pool: string;
  readonly profile: Profile;
  readonly plugins: ReadonlyMap<string, Plugin>;

  constructor(pool: string, config: EndpointPickerConfig, context: PluginContext) {
    this.pool = pool;
    const plugins = new Map<string, Plugin>();
    for (const [name, configured] of config.plugins) plugins.set(name, configured.make(name, context));
    this.plugins = plugins;
    const plugin = <T extends Plugin>(name: string, is: (plugin: Plugin) => plugin is T): T => {
      const found = plugins.get(name);
      if (found === undefined || !is(found))
        throw new Error(`plugin ${name} is not of the kind its profile needs`);
      return found;
    };
    this.profile = {
      name: config.profile.name,
      filters: config.profile.filters.map((name) => plugin(name, isFilter)),
      scorers: config.profile.scorers.map(({ pluginRef, weight }) => ({
        scorer: plugin(pluginRef, isScorer),
        weight,
      })),
      picker: plugin(config.profile.picker, isPicker),
    };
  }

  /**
   * Runs the profile over `candidates`. Throws `pool_no_endpoints` (503) when there are none and
   * `pool_no_fit` (429) when the filters remove them all or the picker chooses none.
   */
  schedule(request: SchedulingRequest, candidates: readonly Endpoint[], cycle: CycleState): SchedulingResult {
    if (candidates.length === 0) throw new SluiceError('pool_no_endpoints', { pool: this.pool, detail: '' });
    const result = runProfile(this.profile, request, candidates, cycle);
    if ('emptiedBy' in result)
      throw new SluiceError('pool_no_fit', {
        pool: this.pool,
        reason: `filter ${result.emptiedBy} removed every endpoint`,
      });
    if (result.endpoints.length === 0)
      throw new SluiceError('pool_no_fit', {
        pool: this.pool,
        reason: `picker ${this.profile.picker.name} chose none`,
      });
    return { primaryProfile: this.profile.name, profileResults: { [this.profile.name]: result } };
  }

  preRequest(request: SchedulingRequest, result: SchedulingResult, cycle: CycleState): void {
    for (const plugin of this.plugins.values())
      if (isPreRequest(plugin)) plugin.preRequest(request, result, cycle);
  }

  /** The headers plugins add to the client's response once `servedEndpoint` answers. */
  responseHeaders(request: SchedulingRequest, servedEndpoint: Endpoint, cycle: CycleState): ResponseHeader[] {
    const headers: ResponseHeader[] = [];
    for (const plugin of this.plugins.values())
      if (isResponseHeaders(plugin)) headers.push(...plugin.responseHeaders(request, servedEndpoint, cycle));
    return headers;
  }

  responseFirstChunk(request: SchedulingRequest, result: SchedulingResult, cycle: CycleState): void {
    for (const plugin of this.plugins.values())
      if (isResponseFirstChunk(plugin)) plugin.responseFirstChunk(request, result, cycle);
  }

  responseComplete(
    request: SchedulingRequest,
    result: SchedulingResult,
    outcome: RequestOutcome,
    cycle: CycleState,
  ): void {
    for (const plugin of this.plugins.values())
      if (isResponseComplete(plugin)) plugin.responseComplete(request, result, outcome, cycle);
  }

  endpointRemoved(endpoint: Endpoint): void {
    for (const plugin of this.plugins.values())
      if (isEndpointObserver(plugin)) plugin.endpointRemoved(endpoint);
  }
}
