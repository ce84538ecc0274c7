// EndpointPickerConfig: reads the Inference Extension's picker configuration file, checks it (every
// problem with its file, line and field), applies the upstream defaults, and describes what to build.

import { isNode, LineCounter, parseDocument } from 'yaml';
import { SluiceError } from '../../errors.ts';
import { formatPath, type PathSegment } from '../../resources/field-path.ts';
import {
  type MetricsSourceConfig,
  metricsSourceDefaults,
  readMetricsExtractor,
  readMetricsSource,
} from '../datalayer/config.ts';
import { type EngineMappings, engineMappings } from '../datalayer/engines.ts';
import {
  type FlowControlConfig,
  fairnessPolicyTypes,
  orderingPolicyTypes,
  readFlowControlConfig,
} from '../flowcontrol/config.ts';
import {
  readSaturationThresholds,
  type SaturationThresholds,
  saturationDefaults,
} from '../flowcontrol/saturation.ts';
import { type ProfileConfig, readProfile } from './config-profile.ts';
import { ConfigProblem, Params, Problems } from './params.ts';
import { findPluginType, type PluginKind, pluginTypeNames } from './registry.ts';
import type { Plugin, PluginContext } from './types.ts';

export const endpointPickerApiVersions = ['inference.networking.x-k8s.io/v1alpha1', 'llm-d.ai/v1alpha1'];
export const knownFeatureGates = ['flowControl'];

/**
 * Sluice's default, used when a pool names no configuration: prefix affinity that yields under load. The
 * prefill-load scorer ranks endpoints by the prefill work ahead of this request's first token, prefix
 * matches included; prefix affinity breaks near-ties toward the endpoint holding the prompt; the engines'
 * queues and KV use weigh in for load that other clients put on them; a bounded-load filter keeps any
 * endpoint under twice its share of the requests in flight (+ 4). docs/scheduling.md explains it.
 */
export const defaultEndpointPickerConfigText = `apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
plugins:
  - type: bounded-load-filter
  - type: prefix-cache-scorer
    parameters:
      learnFromCachedTokens: true
  - type: prefill-load-scorer
  - type: queue-scorer
  - type: kv-cache-utilization-scorer
schedulingProfiles:
  - name: default
    plugins:
      - pluginRef: bounded-load-filter
      - pluginRef: prefix-cache-scorer
        weight: 1
      - pluginRef: prefill-load-scorer
        weight: 4
      - pluginRef: queue-scorer
        weight: 1
      - pluginRef: kv-cache-utilization-scorer
        weight: 1
`;

/** The Inference Extension's and llm-d's default profile (queue ×2, KV-cache ×2, prefix ×3, max-score). */
export const referenceEndpointPickerConfigText = `apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
plugins:
  - type: queue-scorer
  - type: kv-cache-utilization-scorer
  - type: prefix-cache-scorer
schedulingProfiles:
  - name: default
    plugins:
      - pluginRef: queue-scorer
        weight: 2
      - pluginRef: kv-cache-utilization-scorer
        weight: 2
      - pluginRef: prefix-cache-scorer
        weight: 3
`;

export interface ConfiguredPlugin {
  name: string;
  type: string;
  kinds: readonly PluginKind[];
  /** The `parameters` as written, and where. */
  parameters: unknown;
  parametersPath: PathSegment[];
  make: (name: string, context: PluginContext) => Plugin;
}

export interface EndpointPickerConfig {
  /** Where the configuration came from, for messages. */
  source: string;
  featureGates: readonly string[];
  /** Scheduling plugins by name (including a picker the defaults added). */
  plugins: ReadonlyMap<string, ConfiguredPlugin>;
  profile: ProfileConfig;
  saturation: SaturationThresholds;
  flowControl: FlowControlConfig;
  metricsSource: MetricsSourceConfig;
  engines: EngineMappings;
}

/** Plugin types that configure the data layer, parsing or flow control rather than a profile. */
const systemPluginTypes: Record<string, (parameters: Params) => unknown> = {
  'metrics-data-source': readMetricsSource,
  'core-metrics-extractor': readMetricsExtractor,
  'openai-parser': (parameters) => parameters.done('openai-parser'),
  ...Object.fromEntries(
    [...Object.keys(fairnessPolicyTypes), ...orderingPolicyTypes].map((type) => [
      type,
      (parameters: Params) => parameters.done(type),
    ]),
  ),
};

export interface SystemPlugin {
  type: string;
  parameters: unknown;
  value: unknown;
}

function readPlugins(root: Params, problems: Problems) {
  const scheduling = new Map<string, ConfiguredPlugin>();
  const system = new Map<string, SystemPlugin>();
  problems.attempt(
    () =>
      root.list('plugins', (raw, path) =>
        problems.attempt(() => {
          const entry = new Params(raw, path);
          const type = entry.string('type', '');
          if (type === '') throw new ConfigProblem(entry.at('type'), 'is required');
          const name = entry.string('name', '') || type;
          const rawParameters = entry.raw('parameters');
          entry.done('a plugin');
          if (scheduling.has(name) || system.has(name))
            throw new ConfigProblem(entry.at('name'), `${JSON.stringify(name)} names two plugins`);
          const parametersPath = [...path, 'parameters'];
          const parameters = new Params(rawParameters, parametersPath);
          const pluginType = findPluginType(type);
          if (pluginType !== undefined) {
            const make = pluginType.configure(parameters);
            scheduling.set(name, {
              name,
              type,
              kinds: pluginType.kinds,
              parameters: rawParameters,
              parametersPath,
              make,
            });
          } else if (type in systemPluginTypes) {
            system.set(name, { type, parameters: rawParameters, value: systemPluginTypes[type](parameters) });
          } else {
            const known = [...pluginTypeNames(), ...Object.keys(systemPluginTypes)].sort().join(', ');
            throw new ConfigProblem(
              entry.at('type'),
              `unknown plugin type ${JSON.stringify(type)} (known: ${known})`,
            );
          }
        }, undefined),
      ),
    [],
  );
  return { scheduling, system };
}

function readSaturationDetector(
  root: Params,
  plugins: ReadonlyMap<string, ConfiguredPlugin>,
  problems: Problems,
): SaturationThresholds {
  return problems.attempt(() => {
    let ref = 'utilization-detector';
    if (root.has('saturationDetector')) {
      const detector = new Params(root.raw('saturationDetector'), root.at('saturationDetector'));
      ref = detector.string('pluginRef', '');
      detector.done('saturationDetector');
      if (plugins.get(ref)?.type !== 'utilization-detector')
        throw new ConfigProblem(
          detector.at('pluginRef'),
          `must name a plugin of type utilization-detector, not ${JSON.stringify(ref)}`,
        );
    }
    // The detector's thresholds are those of the utilization-detector plugin it names, if one is listed.
    const configured = plugins.get(ref);
    if (configured?.type !== 'utilization-detector') return saturationDefaults;
    return readSaturationThresholds(new Params(configured.parameters, configured.parametersPath));
  }, saturationDefaults);
}

function readDataLayer(root: Params, system: ReadonlyMap<string, SystemPlugin>, problems: Problems): void {
  if (!root.has('dataLayer')) return;
  problems.attempt(() => {
    const dataLayer = new Params(root.raw('dataLayer'), root.at('dataLayer'));
    dataLayer.boolean('injectDefaults', true);
    const expectType = (params: Params, type: string) => {
      const ref = params.string('pluginRef', '');
      if (system.get(ref)?.type !== type)
        throw new ConfigProblem(
          params.at('pluginRef'),
          `must name a plugin of type ${type}, not ${JSON.stringify(ref)}`,
        );
    };
    dataLayer.list('sources', (raw, path) => {
      const source = new Params(raw, path);
      expectType(source, 'metrics-data-source');
      source.list('extractors', (extractorRaw, extractorPath) => {
        const extractor = new Params(extractorRaw, extractorPath);
        expectType(extractor, 'core-metrics-extractor');
        extractor.done('an extractor');
      });
      source.done('a data source');
    });
    dataLayer.done('dataLayer (Sluice discovers endpoints from the InferencePool)');
  }, undefined);
}

function firstSystemValue<T>(system: ReadonlyMap<string, SystemPlugin>, type: string): T | undefined {
  for (const plugin of system.values()) if (plugin.type === type) return plugin.value as T;
  return undefined;
}

/** Checks a decoded configuration document; throws one SluiceError listing every problem. */
export function endpointPickerConfigFrom(
  document: unknown,
  source: string,
  lineOf: (path: readonly PathSegment[]) => number | undefined = () => undefined,
): EndpointPickerConfig {
  const problems = new Problems();
  const root = problems.attempt(() => new Params(document, []), new Params(undefined, []));

  const apiVersion = problems.attempt(() => root.string('apiVersion', ''), '');
  if (!endpointPickerApiVersions.includes(apiVersion))
    problems.add(
      ['apiVersion'],
      `must be one of ${endpointPickerApiVersions.join(', ')}, not ${JSON.stringify(apiVersion)}`,
    );
  const kind = problems.attempt(() => root.string('kind', ''), '');
  if (kind !== 'EndpointPickerConfig')
    problems.add(['kind'], `must be EndpointPickerConfig, not ${JSON.stringify(kind)}`);

  const featureGates = problems.attempt(
    () =>
      root.list('featureGates', (gate, path) => {
        if (typeof gate !== 'string' || !knownFeatureGates.includes(gate))
          throw new ConfigProblem(
            path,
            `unknown feature gate ${JSON.stringify(gate)} (known: ${knownFeatureGates.join(', ')})`,
          );
        return gate;
      }),
    [],
  );

  const { scheduling, system } = readPlugins(root, problems);
  const profile = readProfile(root, scheduling, system, problems);
  const saturation = readSaturationDetector(root, scheduling, problems);

  const flowControlEnabled = featureGates.includes('flowControl');
  if (root.has('flowControl') && !flowControlEnabled)
    problems.add(
      ['flowControl'],
      'is only honoured with featureGates: [flowControl]; add the gate or remove the block',
    );
  const resolvePolicy = (ref: string) =>
    system.get(ref)?.type ??
    (ref in fairnessPolicyTypes || orderingPolicyTypes.includes(ref) ? ref : undefined);
  const flowControl = problems.attempt(
    () => readFlowControlConfig(root.raw('flowControl'), ['flowControl'], flowControlEnabled, resolvePolicy),
    readFlowControlConfig(undefined, ['flowControl'], flowControlEnabled, resolvePolicy),
  );

  readDataLayer(root, system, problems);
  problems.attempt(() => {
    if (!root.has('parser')) return;
    const parser = new Params(root.raw('parser'), root.at('parser'));
    const ref = parser.string('pluginRef', '');
    parser.done('parser');
    if (ref !== 'openai-parser' && system.get(ref)?.type !== 'openai-parser')
      throw new ConfigProblem(
        parser.at('pluginRef'),
        'Sluice parses OpenAI request bodies; only openai-parser is supported',
      );
  }, undefined);
  problems.attempt(() => root.done('EndpointPickerConfig'), undefined);

  if (problems.list.length > 0) {
    const reason = problems.list
      .map((problem) => {
        const line = lineOf(problem.path);
        const where = line === undefined ? source : `${source}:${line}`;
        return `${where}: ${problem.path.length > 0 ? `${formatPath(problem.path)}: ` : ''}${problem.message}`;
      })
      .join('\n');
    throw new SluiceError('config_invalid_object', { reason });
  }
  return {
    source,
    featureGates,
    plugins: scheduling,
    profile,
    saturation,
    flowControl,
    metricsSource:
      firstSystemValue<MetricsSourceConfig>(system, 'metrics-data-source') ?? metricsSourceDefaults,
    engines: firstSystemValue<EngineMappings>(system, 'core-metrics-extractor') ?? engineMappings(),
  };
}

/** Parses EndpointPickerConfig YAML (or JSON); an empty text gives the default configuration. */
export function parseEndpointPickerConfig(
  text: string,
  source = 'EndpointPickerConfig',
): EndpointPickerConfig {
  if (text.trim() === '') return parseEndpointPickerConfig(defaultEndpointPickerConfigText, source);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const reason = document.errors
      .map((error) => `${source}:${lineCounter.linePos(error.pos[0]).line}: ${error.message.split('\n')[0]}`)
      .join('\n');
    throw new SluiceError('config_parse_error', { reason });
  }
  const lineOf = (path: readonly PathSegment[]) => {
    // The deepest node that exists: a missing field points at its parent.
    for (let depth = path.length; depth >= 0; depth--) {
      const node = document.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return endpointPickerConfigFrom(document.toJS(), source, lineOf);
}

/** The default configuration, parsed once per call (plugins are made per pool from it). */
export function defaultEndpointPickerConfig(): EndpointPickerConfig {
  return parseEndpointPickerConfig(defaultEndpointPickerConfigText, 'default EndpointPickerConfig');
}
