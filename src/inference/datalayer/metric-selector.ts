// Metric selectors `name{label=value,...}` (PromQL instant-selector syntax, quotes optional) and how one
// sample is chosen among a family's series.

import type { MetricFamilies, Sample } from './prometheus-text.ts';

export interface MetricSelector {
  name: string;
  /** Every label here must be present on a series with this exact value. */
  labels: Readonly<Record<string, string>>;
}

const selectorPattern = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(.*)\})?\s*$/;
const matcherPattern = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^",{}\s]+))\s*$/;

/**
 * Parses a selector such as `nv_trt_llm_request_metrics{request_type=waiting}`; an empty string means
 * "not available for this engine" and gives undefined. Throws an Error naming the problem otherwise.
 */
export function parseMetricSelector(text: string): MetricSelector | undefined {
  if (text.trim() === '') return undefined;
  const match = selectorPattern.exec(text);
  if (match === null)
    throw new Error(`${JSON.stringify(text)} is not a metric selector such as name{label=value}`);
  const labels: Record<string, string> = {};
  const body = match[2]?.trim() ?? '';
  if (body !== '') {
    for (const part of body.split(',')) {
      if (part.trim() === '') continue;
      const matcher = matcherPattern.exec(part);
      if (matcher === null)
        throw new Error(`${JSON.stringify(text)}: ${JSON.stringify(part.trim())} is not label=value`);
      labels[matcher[1]] = matcher[2] !== undefined ? matcher[2].replace(/\\(.)/g, '$1') : matcher[3];
    }
  }
  return { name: match[1], labels };
}

function matches(selector: MetricSelector, sample: Sample): boolean {
  for (const [name, value] of Object.entries(selector.labels))
    if (sample.labels[name] !== value) return false;
  return true;
}

/** The matching series with the newest timestamp (the first one when none carries a timestamp). */
export function newestSample(families: MetricFamilies, selector: MetricSelector): Sample | undefined {
  let best: Sample | undefined;
  for (const sample of families.get(selector.name) ?? []) {
    if (!matches(selector, sample)) continue;
    if (best === undefined || (sample.timestamp ?? -1) > (best.timestamp ?? -1)) best = sample;
  }
  return best;
}

/**
 * The matching series with the largest value. vLLM's `lora_requests_info` starts a new series for every
 * change of its label values and sets the value to the time of that change, so the largest is current.
 */
export function largestSample(families: MetricFamilies, selector: MetricSelector): Sample | undefined {
  let best: Sample | undefined;
  for (const sample of families.get(selector.name) ?? []) {
    if (matches(selector, sample) && (best === undefined || sample.value > best.value)) best = sample;
  }
  return best;
}
