// The scheduling framework's contracts: the request being scheduled, and the plugin kinds a profile runs
// (filters → weighted scorers → one picker) plus the request-control hooks around a pick.

import type { Clock } from '../clock.ts';
import type { Endpoint } from '../datalayer/endpoint.ts';

/** A request as scheduling sees it, every field resolved (see `schedulingRequest`). */
export interface SchedulingRequest {
  /** Key of per-request state; `x-request-id` when the caller has one. */
  id: string;
  /** The model the client asked for. */
  model: string;
  /** The model the server will run (after rewrites): a base model or a LoRA adapter name. */
  targetModel: string;
  /** The text prefix-cache affinity hashes (see requestcontrol/prompt-text.ts). */
  prompt: string;
  /** Request headers, lower-case names. */
  headers: Readonly<Record<string, string>>;
  /** InferenceObjective priority: higher first; below 0 is sheddable. */
  priority: number;
  /** `x-gateway-inference-fairness-id`, default `default-flow`. */
  fairnessId: string;
  /** Body size in bytes (flow-control byte budgets). */
  bodyBytes: number;
  /** Estimated prompt plus completion tokens (local in-flight token accounting). */
  estimatedTokens: number;
  /** vLLM's `cache_salt`: requests with different salts never share prefix-cache blocks. */
  cacheSalt: string;
}

/** Scratch space shared by the plugins of one request, from its pick to its completion. */
export type CycleState = Map<string, unknown>;

export interface ScoredEndpoint {
  endpoint: Endpoint;
  /** Σ weight × score over the profile's scorers. */
  score: number;
  /** Each scorer's own score in [0, 1], by plugin name. */
  scores: Record<string, number>;
}

export interface ProfileResult {
  /** The picker's choice, best first. */
  endpoints: Endpoint[];
  /** Every candidate that passed the filters, with its scores. */
  candidates: ScoredEndpoint[];
}

export interface SchedulingResult {
  primaryProfile: string;
  profileResults: Record<string, ProfileResult>;
}

/** What became of a request, reported once when it ends. */
export interface RequestOutcome {
  /** The endpoint that produced the final response (a fallback may differ from the primary). */
  servedEndpoint: Endpoint | undefined;
  /** HTTP status of the final response; undefined when none came (client gone, connection failure). */
  status: number | undefined;
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  /** Prompt tokens the engine found in its prefix cache (`usage.prompt_tokens_details.cached_tokens`). */
  cachedTokens: number | undefined;
}

export interface PluginContext {
  clock: Clock;
}

interface PluginIdentity {
  readonly type: string;
  readonly name: string;
}

export interface Filter extends PluginIdentity {
  /** The endpoints that may take the request; never modifies `endpoints`. */
  filter(request: SchedulingRequest, endpoints: readonly Endpoint[], cycle: CycleState): readonly Endpoint[];
}

export interface Scorer extends PluginIdentity {
  /** One score in [0, 1] per endpoint, in the order of `endpoints`; higher is better. */
  score(request: SchedulingRequest, endpoints: readonly Endpoint[], cycle: CycleState): number[];
}

export interface Picker extends PluginIdentity {
  /** The chosen endpoints, best first (primary, then fallbacks); at least one when `scored` is not empty. */
  pick(scored: readonly ScoredEndpoint[], cycle: CycleState): Endpoint[];
}

/** Runs after a pick, before the request is sent (prefix-index learning). */
export interface PreRequest extends PluginIdentity {
  preRequest(request: SchedulingRequest, result: SchedulingResult, cycle: CycleState): void;
}

/**
 * Runs once, when the first bytes of the response body arrive: for a streamed generation the engine has
 * finished the prompt's prefill and produced the first token (for a JSON body, the response is complete).
 */
export interface ResponseFirstChunk extends PluginIdentity {
  responseFirstChunk(request: SchedulingRequest, result: SchedulingResult, cycle: CycleState): void;
}

/** Runs once when the request ends, whatever the outcome. */
export interface ResponseComplete extends PluginIdentity {
  responseComplete(
    request: SchedulingRequest,
    result: SchedulingResult,
    outcome: RequestOutcome,
    cycle: CycleState,
  ): void;
}

/** A header a plugin adds to the client's response: lower-case name, value. */
export type ResponseHeader = readonly [name: string, value: string];

/**
 * Runs when the endpoint that answers starts its response, before any byte reaches the client: the
 * headers returned are added to the client's response (upstream's ResponseReceived, e.g. a session cookie).
 */
export interface ResponseHeaders extends PluginIdentity {
  responseHeaders(request: SchedulingRequest, servedEndpoint: Endpoint, cycle: CycleState): ResponseHeader[];
}

/** Told when an endpoint leaves the pool, so stateful plugins drop what they kept about it. */
export interface EndpointObserver extends PluginIdentity {
  endpointRemoved(endpoint: Endpoint): void;
}

/** A plugin that keeps a prefix index, reporting its size for the `inference_extension_prefix_indexer_size` gauge. */
export interface PrefixIndexHolder extends PluginIdentity {
  /** Blocks the index holds now, summed over endpoints (a block on two endpoints counts twice). */
  indexSize(): number;
}

/** A plugin instance: one or more of the kinds above. */
export type Plugin = PluginIdentity &
  Partial<
    Filter &
      Scorer &
      Picker &
      PreRequest &
      ResponseHeaders &
      ResponseFirstChunk &
      ResponseComplete &
      EndpointObserver &
      PrefixIndexHolder
  >;

export function isFilter(plugin: Plugin): plugin is Filter {
  return typeof plugin.filter === 'function';
}
export function isScorer(plugin: Plugin): plugin is Scorer {
  return typeof plugin.score === 'function';
}
export function isPicker(plugin: Plugin): plugin is Picker {
  return typeof plugin.pick === 'function';
}
export function isPreRequest(plugin: Plugin): plugin is PreRequest {
  return typeof plugin.preRequest === 'function';
}
export function isEndpointObserver(plugin: Plugin): plugin is EndpointObserver {
  return typeof plugin.endpointRemoved === 'function';
}
export function isResponseHeaders(plugin: Plugin): plugin is ResponseHeaders {
  return typeof plugin.responseHeaders === 'function';
}
export function isResponseFirstChunk(plugin: Plugin): plugin is ResponseFirstChunk {
  return typeof plugin.responseFirstChunk === 'function';
}
export function isResponseComplete(plugin: Plugin): plugin is ResponseComplete {
  return typeof plugin.responseComplete === 'function';
}
export function isPrefixIndexHolder(plugin: Plugin): plugin is PrefixIndexHolder {
  return typeof plugin.indexSize === 'function';
}
