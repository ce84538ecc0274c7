// Schemas shared by the Gateway API kinds (`apis/v1/shared_types.go`, `object_reference_types.go`): names,
// hostnames, durations, object references and label selectors, with their CRD patterns and defaults, and the
// CEL rule that keeps references to one object distinct.

import { quote } from './check.ts';
import type {
  BackendObjectReference,
  LabelSelector,
  LabelSelectorRequirement,
  LocalObjectReference,
  ParentReference,
  SecretObjectReference,
} from './gateway-api.ts';
import { GATEWAY_GROUP } from './gateway-api.ts';
import { LABEL_MEANS, labels, qualifiedName, SUBDOMAIN_MEANS } from './names.ts';
import { array, integer, object, type Rule, type StringSchema, string, withDefault } from './schema.ts';

const subdomainSource = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';

/** An API group; `""` is the core group. */
export function group(): StringSchema {
  return string({
    maxLength: 253,
    pattern: new RegExp(`^$|^${subdomainSource}$`),
    patternMeans: `empty (the core group) or ${SUBDOMAIN_MEANS}`,
  });
}

export function kind(): StringSchema {
  return string({
    minLength: 1,
    maxLength: 63,
    pattern: /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/,
    patternMeans: 'a kind such as "Service": letters, digits and "-", starting with a letter',
  });
}

export function objectName(): StringSchema {
  return string({ minLength: 1, maxLength: 253 });
}

export function namespace(): StringSchema {
  return string({
    minLength: 1,
    maxLength: 63,
    pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    patternMeans: LABEL_MEANS,
  });
}

/** Listener names, rule names, `sectionName`. */
export function sectionName(): StringSchema {
  return string({
    minLength: 1,
    maxLength: 253,
    pattern: new RegExp(`^${subdomainSource}$`),
    patternMeans: SUBDOMAIN_MEANS,
  });
}

/** Route and listener hostnames (and Gateway addresses of type Hostname): `*.` is allowed in front. */
export const hostnamePattern = new RegExp(`^(\\*\\.)?${subdomainSource}$`);

export function hostname(): StringSchema {
  return string({
    minLength: 1,
    maxLength: 253,
    pattern: hostnamePattern,
    patternMeans:
      'a lowercase hostname such as "example.com", optionally starting with "*." (no port, no trailing dot)',
  });
}

/** Hostnames a request is sent to (redirect, rewrite): no wildcard. */
export function preciseHostname(): StringSchema {
  return string({
    minLength: 1,
    maxLength: 253,
    pattern: new RegExp(`^${subdomainSource}$`),
    patternMeans: 'a lowercase hostname such as "example.com" (no wildcard, port or trailing dot)',
  });
}

export function portNumber() {
  return integer({ minimum: 1, maximum: 65535 });
}

const headerNamePattern = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

export function headerName(): StringSchema {
  return string({
    minLength: 1,
    maxLength: 256,
    pattern: headerNamePattern,
    patternMeans: 'an HTTP header name: letters, digits and !#$%&\'*+-.^_`|~ (no spaces or ":")',
  });
}

/** GEP-2257 durations: `500ms`, `10s`, `1h30m`. */
export function duration(): StringSchema {
  return string({
    pattern: durationPattern,
    patternMeans:
      'a duration such as "500ms", "10s" or "1h30m": 1 to 4 groups of up to 5 digits followed by h, m, s or ms',
  });
}

const unitMs: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

const durationPattern = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;

/** Milliseconds of a GEP-2257 duration such as `1h30m`, or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  return durationPattern.test(text) ? durationMs(text) : undefined;
}

/** Milliseconds of a duration that matched `duration()`. */
export function durationMs(value: string): number {
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)(ms|h|m|s)/g)) total += Number(amount) * unitMs[unit];
  return total;
}

export function parentReference() {
  return object<ParentReference>(
    {
      group: withDefault(group(), GATEWAY_GROUP),
      kind: withDefault(kind(), 'Gateway'),
      namespace: namespace(),
      name: objectName(),
      sectionName: sectionName(),
      port: portNumber(),
    },
    { required: ['name'] },
  );
}

/** CEL: a reference to a core Service must name the port. */
export const servicePortRule: Rule<BackendObjectReference> = (self, report) => {
  if (self.group === '' && self.kind === 'Service' && self.port === undefined) {
    report('a reference to a Service must set port (the Service port to send to)', ['port']);
  }
};

/** The fields of a backend reference (a Service unless `group`/`kind` say otherwise). */
export function backendReferenceFields() {
  return {
    group: withDefault(group(), ''),
    kind: withDefault(kind(), 'Service'),
    name: objectName(),
    namespace: namespace(),
    port: portNumber(),
  };
}

export function backendObjectReference() {
  return object<BackendObjectReference>(backendReferenceFields(), {
    required: ['name'],
    rules: [servicePortRule],
  });
}

export function secretObjectReference() {
  return object<SecretObjectReference>(
    {
      group: withDefault(group(), ''),
      kind: withDefault(kind(), 'Secret'),
      name: objectName(),
      namespace: namespace(),
    },
    { required: ['name'] },
  );
}

/** A reference with an explicit group and kind, in the same namespace (ExtensionRef, parametersRef). */
export function localObjectReference() {
  return object<LocalObjectReference>(
    { group: group(), kind: kind(), name: objectName() },
    {
      required: ['group', 'kind', 'name'],
    },
  );
}

const selectorOperators = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

/**
 * A metav1 LabelSelector. The CRD only checks its shape; the operator and values rules below are the ones
 * Kubernetes applies when it turns the selector into a query, so a selector that passes here can be used.
 */
export function labelSelector() {
  const requirement = object<LabelSelectorRequirement>(
    {
      key: qualifiedName(),
      operator: string({ enum: selectorOperators }),
      values: array(string()),
    },
    {
      required: ['key', 'operator'],
      rules: [
        (self, report) => {
          const count = self.values?.length ?? 0;
          if ((self.operator === 'In' || self.operator === 'NotIn') && count === 0) {
            report(`must have at least one value when operator is ${self.operator}`, ['values']);
          }
          if ((self.operator === 'Exists' || self.operator === 'DoesNotExist') && count > 0) {
            report(`must be empty when operator is ${self.operator}`, ['values']);
          }
        },
      ],
    },
  );
  return object<LabelSelector>({ matchLabels: labels(), matchExpressions: array(requirement) });
}

/** What a reference can name besides its object: a listener or Service port by name, a listener by port. */
type Qualifier = 'sectionName' | 'port';

interface QualifiedReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  sectionName?: string;
  port?: number;
}

function sameObject(a: QualifiedReference, b: QualifiedReference): boolean {
  return (
    a.group === b.group &&
    a.kind === b.kind &&
    a.name === b.name &&
    (a.namespace ?? '') === (b.namespace ?? '')
  );
}

/** How `parentRefs` or `targetRefs` and their items are named in messages. */
export interface ReferenceWords {
  list: string;
  item: string;
  object: string;
}

/**
 * CEL on `parentRefs` and `targetRefs`: references to the same object must all set each qualifier or all leave
 * it out, and must differ in the qualifiers they set. The CRD compares `namespace` as written (absent and
 * `""` are the same, a namespace equal to the object's own is not).
 */
export function distinctReferences<R extends QualifiedReference>(
  words: ReferenceWords,
  qualifiers: readonly Qualifier[],
): Rule<R[]> {
  return (refs, report) => {
    refs.forEach((ref, index) => {
      const earlier = refs.slice(0, index).filter((other) => sameObject(ref, other));
      const mixed = qualifiers.find((q) =>
        earlier.some((other) => (other[q] === undefined) !== (ref[q] === undefined)),
      );
      if (mixed) {
        report(
          `${mixed} must be set on all or none of the ${words.list} that name the same ${words.object}`,
          [index],
        );
      } else if (earlier.some((other) => qualifiers.every((q) => other[q] === ref[q]))) {
        const set = qualifiers.filter((q) => ref[q] !== undefined).map((q) => `${q} ${quote(ref[q])}`);
        const what =
          set.length === 0
            ? `this ${words.object} is`
            : `${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'}`;
        report(`duplicate ${words.item}: ${what} already referenced`, [index]);
      }
    });
  };
}
