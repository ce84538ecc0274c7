// Flow-control configuration: the `flowControl` block of EndpointPickerConfig, its defaults, and the
// fairness and ordering policy plugins its bands refer to.

import type { PathSegment } from '../../resources/field-path.ts';
import { ConfigProblem, Params } from '../scheduling/params.ts';

export type FairnessPolicy = 'vtc' | 'round-robin' | 'global-strict';

export interface BandConfig {
  /** Requests this band may hold waiting. */
  maxRequests: number;
  /** Sum of the waiting requests' body sizes this band may hold. */
  maxBytes: number;
  /** How the band chooses among its flows (fairness ids). */
  fairness: FairnessPolicy;
}

export interface FlowControlConfig {
  /** Queueing is on only with the `flowControl` feature gate; otherwise admission only sheds. */
  enabled: boolean;
  /** Requests waiting across all bands. */
  maxRequests: number;
  maxBytes: number;
  /** How long a request may wait for capacity before it is dropped with 503. */
  defaultRequestTTLMs: number;
  /** Bands for priorities without their own entry. */
  defaultBand: BandConfig;
  bands: ReadonlyMap<number, BandConfig>;
}

/** The policy plugin types bands may reference (by plugin name, or by type name directly). */
export const fairnessPolicyTypes: Record<string, FairnessPolicy> = {
  // Upstream's proposed token-fair policy (llm-d-router #1182); Sluice charges estimated tokens at
  // dispatch and corrects them with the usage the response reports.
  'vtc-fairness-policy': 'vtc',
  'round-robin-fairness-policy': 'round-robin',
  'global-strict-fairness-policy': 'global-strict',
};
export const orderingPolicyTypes = ['fcfs-ordering-policy'];

export const flowControlDefaults: FlowControlConfig = {
  enabled: false,
  // Upstream leaves the global request count unbounded; Sluice bounds it so a stalled pool cannot hold
  // an unbounded number of open client connections.
  maxRequests: 10_000,
  maxBytes: Number.POSITIVE_INFINITY,
  // Upstream waits until the client's own deadline; a data plane without one needs a bound.
  defaultRequestTTLMs: 30_000,
  // Fairness across tenants is why one turns flow control on, and LLM requests differ in cost by orders
  // of magnitude, so Sluice defaults to token fairness between flows (upstream's default is
  // global-strict, a single FIFO per band; round-robin shares requests, not tokens).
  defaultBand: { maxRequests: Number.POSITIVE_INFINITY, maxBytes: 1e9, fairness: 'vtc' },
  bands: new Map(),
};

/** Resolves a policy reference to the plugin type it names: plugin name first, then type name. */
export type PolicyResolver = (ref: string) => string | undefined;

function band(
  raw: unknown,
  path: PathSegment[],
  base: BandConfig,
  resolve: PolicyResolver,
  withPriority: boolean,
) {
  const parameters = new Params(raw, path);
  if (withPriority && !parameters.has('priority'))
    throw new ConfigProblem(parameters.at('priority'), 'is required');
  const priority = withPriority ? parameters.integer('priority', 0, Number.MIN_SAFE_INTEGER) : 0;
  const fairnessRef = parameters.string('fairnessPolicyRef', '');
  let fairness = base.fairness;
  if (fairnessRef !== '') {
    const policy = fairnessPolicyTypes[resolve(fairnessRef) ?? ''];
    if (policy === undefined) {
      throw new ConfigProblem(
        parameters.at('fairnessPolicyRef'),
        `must name a plugin of type ${Object.keys(fairnessPolicyTypes).join(' or ')}, not ${JSON.stringify(fairnessRef)}`,
      );
    }
    fairness = policy;
  }
  const orderingRef = parameters.string('orderingPolicyRef', '');
  if (orderingRef !== '' && !orderingPolicyTypes.includes(resolve(orderingRef) ?? ''))
    throw new ConfigProblem(parameters.at('orderingPolicyRef'), 'only fcfs-ordering-policy is supported');
  const config: BandConfig = {
    maxRequests: parameters.quantity('maxRequests', base.maxRequests),
    maxBytes: parameters.quantity('maxBytes', base.maxBytes),
    fairness,
  };
  parameters.done(withPriority ? 'a priority band' : 'defaultPriorityBand');
  return { priority, config };
}

/** Reads the `flowControl` block (undefined when absent); `enabled` comes from the feature gate. */
export function readFlowControlConfig(
  raw: unknown,
  path: PathSegment[],
  enabled: boolean,
  resolve: PolicyResolver,
): FlowControlConfig {
  const parameters = new Params(raw, path);
  const defaultBand = parameters.has('defaultPriorityBand')
    ? band(
        parameters.raw('defaultPriorityBand'),
        parameters.at('defaultPriorityBand'),
        flowControlDefaults.defaultBand,
        resolve,
        false,
      ).config
    : flowControlDefaults.defaultBand;
  const bands = new Map<number, BandConfig>();
  parameters.list('priorityBands', (entry, entryPath) => {
    const { priority, config } = band(entry, entryPath, defaultBand, resolve, true);
    if (bands.has(priority)) throw new ConfigProblem(entryPath, `priority ${priority} has two bands`);
    bands.set(priority, config);
  });
  const config: FlowControlConfig = {
    enabled,
    maxRequests: parameters.quantity('maxRequests', flowControlDefaults.maxRequests),
    maxBytes: parameters.quantity('maxBytes', flowControlDefaults.maxBytes),
    defaultRequestTTLMs: parameters.duration('defaultRequestTTL', flowControlDefaults.defaultRequestTTLMs),
    defaultBand,
    bands,
  };
  parameters.done('flowControl');
  return config;
}
