// BackendTLSPolicy (gateway.networking.k8s.io; v1, and v1alpha3 as the experimental CRD still serves it): how
// Sluice connects to a Service over TLS — the CA to trust, the SNI hostname and the names to verify.

import {
  type BackendTLSPolicy,
  type BackendTLSPolicySpec,
  type BackendTLSPolicyValidation,
  GATEWAY_GROUP,
  type LocalPolicyTargetReferenceWithSectionName,
  type SubjectAltName,
} from '../gateway-api.ts';
import {
  distinctReferences,
  group,
  hostname,
  kind,
  localObjectReference,
  objectName,
  preciseHostname,
  sectionName,
} from '../gateway-shared.ts';
import { defineKind } from '../kind.ts';
import { dnsSubdomain } from '../names.ts';
import { array, dropped, map, object, type Rule, string } from '../schema.ts';

const targetRef = object<LocalPolicyTargetReferenceWithSectionName>(
  { group: group(), kind: kind(), name: objectName(), sectionName: sectionName() },
  { required: ['group', 'kind', 'name'] },
);

/** CEL: a name of the type's kind is set, and no name of the other kind. */
const subjectAltNameRules: Rule<SubjectAltName> = (self, report) => {
  for (const [type, field] of [
    ['Hostname', 'hostname'],
    ['URI', 'uri'],
  ] as const) {
    if (self.type === type && self[field] === undefined) report(`required when type is ${type}`, [field]);
    if (self.type !== type && self[field] !== undefined) {
      report(`must not be set when type is ${self.type}`, [field]);
    }
  }
};

const subjectAltName = object<SubjectAltName>(
  {
    type: string({ enum: ['Hostname', 'URI'] }),
    hostname: hostname(),
    uri: string({
      minLength: 1,
      maxLength: 253,
      // As in the CRD: RFC 3986's URI pattern with a scheme and an authority, not anchored at the end.
      pattern: /^(([^:/?#]+):)(\/\/([^/?#]*))([^?#]*)(\?([^#]*))?(#(.*))?/,
      patternMeans: 'a URI with a scheme and an authority, such as "spiffe://cluster.local/ns/apps/sa/model"',
    }),
  },
  { required: ['type'], rules: [subjectAltNameRules] },
);

const validation = object<BackendTLSPolicyValidation>(
  {
    caCertificateRefs: array(localObjectReference(), { maxItems: 8 }),
    wellKnownCACertificates: string({
      minLength: 1,
      maxLength: 253,
      pattern:
        /^(System|([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]))$/,
      patternMeans: '"System" or an implementation-specific name such as "example.com/internal-cas"',
    }),
    hostname: preciseHostname(),
    subjectAltNames: array(subjectAltName, { maxItems: 5 }),
  },
  {
    required: ['hostname'],
    rules: [
      (self, report) => {
        const refs = (self.caCertificateRefs?.length ?? 0) > 0;
        const wellKnown = self.wellKnownCACertificates !== undefined;
        if (refs && wellKnown) {
          report('set caCertificateRefs or wellKnownCACertificates, not both', ['wellKnownCACertificates']);
        }
        if (!refs && !wellKnown) {
          report(
            'set caCertificateRefs (a ConfigMap with ca.crt) or wellKnownCACertificates (System) to say which CAs to trust',
          );
        }
      },
    ],
  },
);

const spec = object<BackendTLSPolicySpec>(
  {
    targetRefs: array(targetRef, {
      minItems: 1,
      maxItems: 16,
      rules: [
        distinctReferences<LocalPolicyTargetReferenceWithSectionName>(
          { list: 'targetRefs', item: 'targetRef', object: 'target' },
          ['sectionName'],
        ),
      ],
    }),
    validation,
    options: map<string>(string({ maxLength: 4096 }), { maxProperties: 16 }),
  },
  { required: ['targetRefs', 'validation'] },
);

export const backendTLSPolicyKind = defineKind<BackendTLSPolicy>({
  group: GATEWAY_GROUP,
  kind: 'BackendTLSPolicy',
  versions: ['v1', 'v1alpha3'],
  namespaced: true,
  name: dnsSubdomain(),
  fields: { spec, status: dropped() },
  required: ['spec'],
});
