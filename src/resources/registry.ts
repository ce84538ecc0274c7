// The accepted kinds, and admission: one raw manifest in, a defaulted typed object or the problems out.
// Adding a kind is one file under kinds/ and one line in `kinds` below.

import { checkValue, isPlainObject, type Problem, quote } from './check.ts';
import type { KindDefinition } from './kind.ts';
import { backendTLSPolicyKind } from './kinds/backendtlspolicy.ts';
import { configMapKind } from './kinds/configmap.ts';
import { endpointSliceKind } from './kinds/endpointslice.ts';
import { gatewayKind } from './kinds/gateway.ts';
import { gatewayClassKind } from './kinds/gatewayclass.ts';
import { grpcRouteKind } from './kinds/grpcroute.ts';
import { httpRouteKind } from './kinds/httproute.ts';
import { inferenceModelRewriteKind } from './kinds/inferencemodelrewrite.ts';
import { inferenceObjectiveKind } from './kinds/inferenceobjective.ts';
import { inferencePoolKind } from './kinds/inferencepool.ts';
import { listenerSetKind } from './kinds/listenerset.ts';
import { namespaceKind } from './kinds/namespace.ts';
import { podKind } from './kinds/pod.ts';
import { referenceGrantKind } from './kinds/referencegrant.ts';
import { secretKind } from './kinds/secret.ts';
import { serviceKind } from './kinds/service.ts';
import type { KubeObject } from './object.ts';

export type { Problem } from './check.ts';

const kinds: readonly KindDefinition[] = [
  gatewayClassKind,
  gatewayKind,
  httpRouteKind,
  grpcRouteKind,
  listenerSetKind,
  backendTLSPolicyKind,
  referenceGrantKind,
  namespaceKind,
  serviceKind,
  secretKind,
  configMapKind,
  endpointSliceKind,
  inferencePoolKind,
  inferenceObjectiveKind,
  inferenceModelRewriteKind,
  podKind,
];

/**
 * Kinds the Inference Extension no longer serves, by `group/kind`: saying what replaced them helps more than
 * "not supported". They are ignored with a warning like every unknown kind.
 */
const retiredKinds: Readonly<Record<string, string>> = {
  'inference.networking.x-k8s.io/InferencePool':
    'the Inference Extension no longer serves this InferencePool version (removed in v1.5); write it as "inference.networking.k8s.io/v1": selector becomes selector.matchLabels, targetPortNumber becomes targetPorts: [{number}], extensionRef becomes endpointPickerRef with port: {number}',
  'inference.networking.x-k8s.io/InferenceModel':
    'InferenceModel was removed from the Inference Extension in v1.0; use an InferenceObjective for its priority (criticality) and an InferenceModelRewrite for modelName and targetModels',
};

export interface Admission {
  /** Defaulted, typed per kind; only when there is no error. */
  object?: KubeObject;
  problems: Problem[];
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function apiVersionOf(definition: KindDefinition, version: string): string {
  return definition.group === '' ? version : `${definition.group}/${version}`;
}

/** The definition for a group (its own or a former one) and kind, if Sluice accepts that kind. */
function kindDefinition(group: string, kind: string): KindDefinition | undefined {
  return kinds.find(
    (definition) =>
      definition.kind === kind &&
      (definition.group === group ||
        definition.formerly.some((former) => splitApiVersion(former.apiVersion).group === group)),
  );
}

/** Whether objects of this kind live in a namespace (false for unknown kinds). */
export function isNamespaced(group: string, kind: string): boolean {
  return kindDefinition(group, kind)?.namespaced ?? false;
}

const error = (path: string, message: string): Problem => ({ severity: 'error', path, message });

/** Validates one raw parsed object like the API server would (OpenAPI schema + CEL), applies CRD defaults. */
export function admit(raw: unknown): Admission {
  if (!isPlainObject(raw)) {
    return { problems: [error('', 'a manifest must be an object with apiVersion, kind and metadata')] };
  }
  const { apiVersion, kind } = raw;
  const problems: Problem[] = [];
  if (typeof apiVersion !== 'string' || apiVersion === '')
    problems.push(error('apiVersion', 'required field is missing'));
  if (typeof kind !== 'string' || kind === '') problems.push(error('kind', 'required field is missing'));
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || problems.length > 0) return { problems };

  const { group, version } = splitApiVersion(apiVersion);
  const definition = kindDefinition(group, kind);
  if (!definition) {
    const retired = retiredKinds[`${group}/${kind}`];
    const message = retired
      ? `kind ${kind} of ${quote(apiVersion)}: ${retired}; the object is ignored`
      : `kind ${kind} of ${quote(apiVersion)} is not supported by Sluice; the object is ignored`;
    return { problems: [{ severity: 'warning', path: '', message }] };
  }
  const former = definition.formerly.find((f) => f.apiVersion === apiVersion);
  if (group === definition.group ? !definition.versions.includes(version) : !former) {
    const served = [
      ...definition.versions.map((v) => apiVersionOf(definition, v)),
      ...definition.formerly.map((f) => f.apiVersion),
    ];
    const listed = served.map(quote).join(' or ');
    return { problems: [error('apiVersion', `${kind} is served as ${listed}, not ${quote(apiVersion)}`)] };
  }
  if (former) problems.push({ severity: 'warning', path: 'apiVersion', message: former.warning });
  const checked = checkValue(definition.schema, raw);
  problems.push(...checked.problems);
  if (checked.value === undefined) return { problems };
  // Every served version has the same schema; objects are kept as the first one, like a storage version.
  const object = checked.value as KubeObject;
  object.apiVersion = apiVersionOf(definition, definition.versions[0]);
  return { object, problems };
}
