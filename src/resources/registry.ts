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
import { listenerSetKind } from './kinds/listenerset.ts';
import { namespaceKind } from './kinds/namespace.ts';
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
];

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

/** The definition for a group and kind, if Sluice accepts that kind. */
function kindDefinition(group: string, kind: string): KindDefinition | undefined {
  return kinds.find((definition) => definition.group === group && definition.kind === kind);
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
    const message = `kind ${kind} of ${quote(apiVersion)} is not supported by Sluice; the object is ignored`;
    return { problems: [{ severity: 'warning', path: '', message }] };
  }
  if (!definition.versions.includes(version)) {
    const served = definition.versions.map((v) => quote(apiVersionOf(definition, v))).join(' or ');
    return { problems: [error('apiVersion', `${kind} is served as ${served}, not ${quote(apiVersion)}`)] };
  }
  const checked = checkValue(definition.schema, raw);
  if (checked.value === undefined) return { problems: checked.problems };
  // Every served version has the same schema; objects are kept as the first one, like a storage version.
  const object = checked.value as KubeObject;
  object.apiVersion = apiVersionOf(definition, definition.versions[0]);
  return { object, problems: checked.problems };
}
