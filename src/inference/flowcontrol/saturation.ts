// Saturation detection (the Inference Extension's `utilization-detector`): how full an endpoint and a
// pool are, from the waiting queue and KV-cache utilisation, with stale metrics counted as full.

import type { Endpoint } from '../datalayer/endpoint.ts';
import { metricsAreStale } from '../datalayer/endpoint.ts';
import type { Params } from '../scheduling/params.ts';

export interface SaturationThresholds {
  /** Waiting requests at which an endpoint counts as full (default 5). */
  queueDepthThreshold: number;
  /** KV-cache utilisation at which an endpoint counts as full (default 0.8). */
  kvCacheUtilThreshold: number;
  /** Metrics older than this count as saturated (default 200 ms). */
  metricsStalenessThresholdMs: number;
  /** Burst allowance above the thresholds when filtering endpoints (default 0). */
  headroom: number;
}

export const saturationDefaults: SaturationThresholds = {
  queueDepthThreshold: 5,
  kvCacheUtilThreshold: 0.8,
  metricsStalenessThresholdMs: 200,
  headroom: 0,
};

/** The `utilization-detector` parameters. */
export function readSaturationThresholds(parameters: Params): SaturationThresholds {
  const thresholds = {
    queueDepthThreshold: parameters.integer('queueDepthThreshold', saturationDefaults.queueDepthThreshold, 1),
    kvCacheUtilThreshold: parameters.number('kvCacheUtilThreshold', saturationDefaults.kvCacheUtilThreshold, {
      min: 0.01,
      max: 1,
    }),
    metricsStalenessThresholdMs: parameters.duration(
      'metricsStalenessThreshold',
      saturationDefaults.metricsStalenessThresholdMs,
    ),
    headroom: parameters.number('headroom', saturationDefaults.headroom, { min: 0 }),
  };
  parameters.done('utilization-detector');
  return thresholds;
}

/**
 * One endpoint's saturation: max(queue / queue threshold, KV / KV threshold) — whichever resource runs
 * out first — and 1 when its metrics are stale or missing.
 */
export function endpointSaturation(
  endpoint: Endpoint,
  now: number,
  thresholds: SaturationThresholds,
): number {
  if (metricsAreStale(endpoint, now, thresholds.metricsStalenessThresholdMs)) return 1;
  const { waitingQueueSize, kvCacheUsage } = endpoint.metrics;
  return Math.max(
    waitingQueueSize / thresholds.queueDepthThreshold,
    kvCacheUsage / thresholds.kvCacheUtilThreshold,
  );
}

/** The pool's saturation: the mean over its endpoints; an empty pool is saturated. */
export function poolSaturation(
  endpoints: readonly Endpoint[],
  now: number,
  thresholds: SaturationThresholds,
): number {
  if (endpoints.length === 0) return 1;
  let total = 0;
  for (const endpoint of endpoints) total += endpointSaturation(endpoint, now, thresholds);
  return total / endpoints.length;
}

/** Whether an endpoint can take more work: fresh metrics, under both thresholds × (1 + headroom). */
export function hasHeadroom(endpoint: Endpoint, now: number, thresholds: SaturationThresholds): boolean {
  if (metricsAreStale(endpoint, now, thresholds.metricsStalenessThresholdMs)) return false;
  const factor = 1 + thresholds.headroom;
  return (
    endpoint.metrics.waitingQueueSize < thresholds.queueDepthThreshold * factor &&
    endpoint.metrics.kvCacheUsage < Math.min(1, thresholds.kvCacheUtilThreshold * factor)
  );
}
