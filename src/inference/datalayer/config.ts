// The data-layer plugins of EndpointPickerConfig: where metrics are scraped (`metrics-data-source`) and
// how engine metric names are mapped (`core-metrics-extractor`).

import { ConfigProblem, Params } from '../scheduling/params.ts';
import { type EngineMappings, type EngineSpecText, engineMappings } from './engines.ts';

export interface MetricsSourceConfig {
  scheme: 'http' | 'https';
  path: string;
}

export const metricsSourceDefaults: MetricsSourceConfig = { scheme: 'http', path: '/metrics' };

export function readMetricsSource(parameters: Params): MetricsSourceConfig {
  const scheme = parameters.string('scheme', metricsSourceDefaults.scheme, ['http', 'https']) as
    | 'http'
    | 'https';
  const path = parameters.string('path', metricsSourceDefaults.path);
  if (!path.startsWith('/')) throw new ConfigProblem(parameters.at('path'), 'must start with /');
  // Accepted for upstream compatibility; verification is always skipped, as upstream's default does.
  parameters.boolean('insecureSkipVerify', true);
  parameters.done('metrics-data-source');
  return { scheme, path };
}

const engineFields = [
  'queuedRequestsSpec',
  'runningRequestsSpec',
  'kvUsageSpec',
  'loraSpec',
  'cacheInfoSpec',
  'cacheBlockSizeLabelName',
  'cacheNumBlocksLabelName',
  'cacheBlockSizeSpec',
  'cacheNumBlocksSpec',
] as const;

export function readMetricsExtractor(parameters: Params): EngineMappings {
  const engines = parameters.list('engineConfigs', (raw, path): EngineSpecText => {
    const engine = new Params(raw, path);
    const name = engine.string('name', '');
    if (name === '') throw new ConfigProblem(engine.at('name'), 'is required');
    const spec: EngineSpecText = { name };
    for (const field of engineFields) spec[field] = engine.string(field, '');
    engine.done('an engine config');
    return spec;
  });
  const options = {
    engineLabelKey: parameters.string('engineLabelKey', '') || undefined,
    defaultEngine: parameters.string('defaultEngine', '') || undefined,
    engines,
  };
  parameters.done('core-metrics-extractor');
  try {
    return engineMappings(options);
  } catch (error) {
    throw new ConfigProblem(parameters.at('engineConfigs'), (error as Error).message);
  }
}
