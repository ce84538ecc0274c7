// `label-selector-filter` (llm-d's name; `by-label-selector` is its deprecated alias): keeps the endpoints
// whose Pod labels match a Kubernetes label selector — `matchLabels` and `matchExpressions`, with the
// same semantics as an InferencePool's own selector — so one profile can, say, prefer a GPU type or a
// rollout's new Pods.

import type { PathSegment } from '../../../resources/field-path.ts';
import type { LabelSelector, LabelSelectorRequirement } from '../../../resources/gateway-api.ts';
import { selectorMatches } from '../../../resources/selector.ts';
import { ConfigProblem, isRecord, Params } from '../params.ts';
import type { PluginType } from '../registry.ts';

const operators: readonly LabelSelectorRequirement['operator'][] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

function requirement(raw: unknown, path: PathSegment[]): LabelSelectorRequirement {
  const fields = new Params(raw, path);
  const key = fields.string('key', '');
  if (key === '') throw new ConfigProblem([...path, 'key'], 'is required');
  const operator = fields.string('operator', '', operators) as LabelSelectorRequirement['operator'];
  if (!fields.has('operator')) throw new ConfigProblem([...path, 'operator'], 'is required');
  const values = fields.list('values', (value, at) => {
    if (typeof value !== 'string') throw new ConfigProblem(at, 'must be a string');
    return value;
  });
  const needsValues = operator === 'In' || operator === 'NotIn';
  if (needsValues && values.length === 0)
    throw new ConfigProblem([...path, 'values'], `must not be empty for operator ${operator}`);
  if (!needsValues && values.length > 0)
    throw new ConfigProblem([...path, 'values'], `must be empty for operator ${operator}`);
  fields.done('a label selector requirement');
  return { key, operator, ...(needsValues && { values }) };
}

function readSelector(parameters: Params, type: string): LabelSelector {
  const rawLabels = parameters.raw('matchLabels');
  if (rawLabels !== undefined && !isRecord(rawLabels))
    throw new ConfigProblem(parameters.at('matchLabels'), 'must be a mapping of label to value');
  const matchLabels: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawLabels ?? {})) {
    if (typeof value !== 'string')
      throw new ConfigProblem([...parameters.at('matchLabels'), key], 'must be a string');
    matchLabels[key] = value;
  }
  const matchExpressions = parameters.list('matchExpressions', requirement);
  parameters.done(type);
  return { matchLabels, matchExpressions };
}

function labelSelectorFilterType(type: string): PluginType {
  return {
    type,
    kinds: ['filter'],
    configure(parameters) {
      // An empty selector matches every endpoint, as in Kubernetes.
      const selector = readSelector(parameters, type);
      return (name) => ({
        type,
        name,
        filter: (_request, endpoints) =>
          endpoints.filter((endpoint) => selectorMatches(selector, endpoint.labels)),
      });
    },
  };
}

export const labelSelectorFilter = labelSelectorFilterType('label-selector-filter');
export const byLabelSelectorFilter = labelSelectorFilterType('by-label-selector');
