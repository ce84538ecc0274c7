// Model-mapping phase: ConfigMaps labelled for the Inference Extension's body-based router (or llm-d's Inference
// Payload Processor, its successor) map LoRA adapters to their base model, for `x-gateway-base-model-name`.
// Each Gateway uses the ConfigMaps of its own namespace: upstream's router is deployed once per Gateway and by
// default watches only its own namespace.

import { parse } from 'yaml';
import type { ConfigMap } from '../resources/core.ts';
import type { Gateway } from '../resources/gateway-api.ts';
import { condition } from './conditions.ts';
import { compareAge, type TranslateContext } from './context.ts';
import type { ObjectStatus, StatusCondition } from './types.ts';

/** A ConfigMap with one of these labels set to `"true"` is a model mapping (GIE's BBR ≤ v1.5; llm-d's IPP). */
export const MODEL_MAPPING_LABELS = [
  'inference.networking.k8s.io/bbr-managed',
  'inference.llm-d.ai/ipp-managed',
];

/** The Gateway condition that reports its model mappings; implementation-specific, so domain-prefixed. */
const MODEL_MAPPINGS_CONDITION = 'sluice.dev/ModelMappingsResolved';

export interface ModelMappings {
  /** Model name → base model: every adapter to its base, every base model to itself. Sorted by name. */
  baseModels: Record<string, string>;
  /** How many of the namespace's mapping ConfigMaps are used. */
  configMaps: number;
  /** ConfigMaps that cannot be read and names claimed twice; the rest of the mapping still applies. */
  problems: string[];
}

interface MappingConfigMap {
  name: string;
  baseModel: string;
  adapters: string[];
}

function isModelMapping(configMap: ConfigMap): boolean {
  return MODEL_MAPPING_LABELS.some((label) => configMap.metadata.labels?.[label] === 'true');
}

/** The model mappings of every namespace that has mapping ConfigMaps. */
export function resolveModelMappings(context: TranslateContext): Map<string, ModelMappings> {
  const byNamespace = Map.groupBy(
    [...context.configMaps.values()].filter(isModelMapping).sort(compareAge),
    (configMap) => configMap.metadata.namespace ?? 'default',
  );
  return new Map([...byNamespace].map(([namespace, configMaps]) => [namespace, mapModels(configMaps)]));
}

/**
 * Adapters first: a name listed under two base models keeps the older ConfigMap's (creation time, then name),
 * and a name that is both an adapter and a base model maps as the adapter, as upstream's lookup does.
 */
function mapModels(configMaps: ConfigMap[]): ModelMappings {
  const problems: string[] = [];
  const adapters = new Map<string, { baseModel: string; from: string }>();
  const baseModels = new Map<string, string>();
  let used = 0;
  for (const configMap of configMaps) {
    const mapping = readMapping(configMap);
    if (typeof mapping === 'string') {
      problems.push(mapping);
      continue;
    }
    used++;
    if (!baseModels.has(mapping.baseModel)) baseModels.set(mapping.baseModel, mapping.name);
    for (const adapter of mapping.adapters) {
      const earlier = adapters.get(adapter);
      if (earlier === undefined) adapters.set(adapter, { baseModel: mapping.baseModel, from: mapping.name });
      else if (earlier.baseModel !== mapping.baseModel)
        problems.push(
          `adapter "${adapter}" of "${mapping.baseModel}" in ConfigMap ${mapping.name} is already an adapter of "${earlier.baseModel}" in the older ConfigMap ${earlier.from}, which wins`,
        );
    }
  }
  const mapped = new Map<string, string>();
  for (const [baseModel, from] of baseModels) {
    const adapter = adapters.get(baseModel);
    if (adapter !== undefined && adapter.baseModel !== baseModel)
      problems.push(
        `"${baseModel}", the base model of ConfigMap ${from}, is also an adapter of "${adapter.baseModel}" in ConfigMap ${adapter.from}, which wins`,
      );
    mapped.set(baseModel, baseModel);
  }
  for (const [adapter, { baseModel }] of adapters) mapped.set(adapter, baseModel);
  return {
    baseModels: Object.fromEntries([...mapped].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    configMaps: used,
    problems,
  };
}

/** `data.baseModel` (required) and `data.adapters` (a YAML list of names, optional), or why they cannot be read. */
function readMapping(configMap: ConfigMap): MappingConfigMap | string {
  const name = `${configMap.metadata.namespace ?? 'default'}/${configMap.metadata.name}`;
  const baseModel = configMap.data?.baseModel?.trim() ?? '';
  if (baseModel === '') return `ConfigMap ${name} is not used: data.baseModel is missing or empty`;
  const text = configMap.data?.adapters ?? '';
  if (text.trim() === '') return { name, baseModel, adapters: [] };
  let list: unknown;
  try {
    list = parse(text);
  } catch (error) {
    return `ConfigMap ${name} is not used: data.adapters is not YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' || item === null))
    return `ConfigMap ${name} is not used: data.adapters must be a YAML list of adapter names`;
  const adapters = list.map((item) => (item ?? '').trim()).filter((adapter) => adapter !== '');
  return { name, baseModel, adapters };
}

/** The mappings a Gateway uses: those of its namespace. */
export function gatewayModelMappings(
  mappings: ReadonlyMap<string, ModelMappings>,
  gateway: Gateway,
): ModelMappings | undefined {
  return mappings.get(gateway.metadata.namespace ?? 'default');
}

/** Adds the model-mapping condition to a Gateway's status when its namespace has mapping ConfigMaps. */
export function withModelMappingsCondition(
  status: ObjectStatus,
  gateway: Gateway,
  mappings: ModelMappings | undefined,
): ObjectStatus {
  if (mappings === undefined) return status;
  const conditions = (status.status.conditions ?? []) as StatusCondition[];
  const names = Object.keys(mappings.baseModels).length;
  const summary = `${names} model name${names === 1 ? '' : 's'} mapped to base models by ${mappings.configMaps} ConfigMap${mappings.configMaps === 1 ? '' : 's'}`;
  const mapped =
    mappings.problems.length === 0
      ? condition(gateway, MODEL_MAPPINGS_CONDITION, true, 'Resolved', summary)
      : condition(
          gateway,
          MODEL_MAPPINGS_CONDITION,
          false,
          'InvalidModelMapping',
          `${mappings.problems.join('; ')} (${summary})`,
        );
  return { ...status, status: { ...status.status, conditions: [...conditions, mapped] } };
}
