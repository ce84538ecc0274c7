// Turns one scrape's metric families into an endpoint's metrics through its engine mapping.

import type { EndpointMetrics } from './endpoint.ts';
import type { EngineMapping } from './engines.ts';
import { largestSample, type MetricSelector, newestSample } from './metric-selector.ts';
import type { MetricFamilies } from './prometheus-text.ts';

export interface Extraction {
  metrics: EndpointMetrics;
  /** Metric names the mapping asks for that the scrape did not contain (their previous values are kept). */
  missing: string[];
}

function adapters(list: string | undefined): Set<string> {
  const names = new Set<string>();
  for (const name of (list ?? '').split(',')) if (name.trim() !== '') names.add(name.trim());
  return names;
}

function integerLabel(value: string | undefined, fallback: number): number {
  const number = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(number) ? Math.trunc(number) : fallback;
}

/**
 * New metrics from `families`, starting from `previous`: a value whose metric is absent keeps its old
 * value, as the Inference Extension's extractor does, and is reported in `missing`.
 */
export function extractMetrics(
  families: MetricFamilies,
  mapping: EngineMapping,
  previous: EndpointMetrics,
  now: number,
): Extraction {
  const metrics: EndpointMetrics = { ...previous, updatedAt: now };
  const missing: string[] = [];
  const value = (selector: MetricSelector | undefined): number | undefined => {
    if (selector === undefined) return undefined;
    const sample = newestSample(families, selector);
    if (sample === undefined) missing.push(selector.name);
    return sample?.value;
  };

  metrics.waitingQueueSize = Math.trunc(value(mapping.queuedRequests) ?? previous.waitingQueueSize);
  metrics.runningRequests = Math.trunc(value(mapping.runningRequests) ?? previous.runningRequests);
  metrics.kvCacheUsage = value(mapping.kvUsage) ?? previous.kvCacheUsage;
  metrics.cacheBlockSize = Math.trunc(value(mapping.cacheBlockSize) ?? previous.cacheBlockSize);
  metrics.cacheNumBlocks = Math.trunc(value(mapping.cacheNumBlocks) ?? previous.cacheNumBlocks);

  if (mapping.lora !== undefined) {
    const sample = largestSample(families, mapping.lora);
    if (sample === undefined) missing.push(mapping.lora.name);
    else {
      metrics.activeModels = adapters(sample.labels.running_lora_adapters);
      metrics.waitingModels = adapters(sample.labels.waiting_lora_adapters);
      metrics.maxActiveModels = integerLabel(sample.labels.max_lora, previous.maxActiveModels);
    }
  }
  if (mapping.cacheInfo !== undefined) {
    const sample = newestSample(families, mapping.cacheInfo);
    if (sample === undefined) missing.push(mapping.cacheInfo.name);
    else {
      metrics.cacheBlockSize = integerLabel(
        sample.labels[mapping.cacheBlockSizeLabel],
        metrics.cacheBlockSize,
      );
      metrics.cacheNumBlocks = integerLabel(
        sample.labels[mapping.cacheNumBlocksLabel],
        metrics.cacheNumBlocks,
      );
    }
  }
  return { metrics, missing };
}
