import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BackendTLSPolicy } from '../gateway-api.ts';
import { admissionCases, admitted } from '../testing.ts';

function policy(spec: Record<string, unknown>, apiVersion = 'gateway.networking.k8s.io/v1') {
  return { apiVersion, kind: 'BackendTLSPolicy', metadata: { name: 'tls', namespace: 'apps' }, spec };
}

const target = { group: '', kind: 'Service', name: 'model' };
const ca = { group: '', kind: 'ConfigMap', name: 'ca' };
const validation = { caCertificateRefs: [ca], hostname: 'model.example.com' };

function withValidation(extra: Record<string, unknown>) {
  return policy({ targetRefs: [target], validation: { ...validation, ...extra } });
}

function withTargets(...targetRefs: Record<string, unknown>[]) {
  return policy({ targetRefs, validation });
}

function withSubjectAltNames(...subjectAltNames: Record<string, unknown>[]) {
  return withValidation({ subjectAltNames });
}

test('BackendTLSPolicy v1alpha3 (served by the experimental CRD) is kept as v1, unchanged', () => {
  const spec = {
    targetRefs: [{ ...target, sectionName: 'https' }],
    validation,
    options: { 'example.com/x': 'y' },
  };
  const object = admitted<BackendTLSPolicy>(policy(spec, 'gateway.networking.k8s.io/v1alpha3'));
  assert.equal(object.apiVersion, 'gateway.networking.k8s.io/v1');
  assert.deepEqual(object.spec, spec);
});

admissionCases('BackendTLSPolicy validation', [
  { name: 'a ConfigMap CA', manifest: withValidation({}) },
  {
    name: 'the system CAs, an implementation-specific set',
    manifest: policy({
      targetRefs: [target, { ...target, name: 'other' }],
      validation: { wellKnownCACertificates: 'System', hostname: 'a.example.com' },
    }),
  },
  {
    name: 'an implementation-specific set of CAs',
    manifest: withValidation({
      caCertificateRefs: undefined,
      wellKnownCACertificates: 'example.com/internal',
    }),
  },
  {
    name: 'neither caCertificateRefs nor wellKnownCACertificates',
    manifest: withValidation({ caCertificateRefs: undefined }),
    problems: ['spec.validation: set caCertificateRefs (a ConfigMap with ca.crt) or wellKnownCACertificates'],
  },
  {
    name: 'empty caCertificateRefs count as none',
    manifest: withValidation({ caCertificateRefs: [] }),
    problems: ['spec.validation: set caCertificateRefs'],
  },
  {
    name: 'both caCertificateRefs and wellKnownCACertificates',
    manifest: withValidation({ wellKnownCACertificates: 'System' }),
    problems: [
      'spec.validation.wellKnownCACertificates: set caCertificateRefs or wellKnownCACertificates, not both',
    ],
  },
  {
    name: 'a wellKnownCACertificates value that is not System or prefixed',
    manifest: withValidation({ caCertificateRefs: undefined, wellKnownCACertificates: 'system' }),
    problems: ['spec.validation.wellKnownCACertificates: invalid value "system": must be "System" or'],
  },
  {
    name: 'a wellKnownCACertificates value with a bad prefix',
    manifest: withValidation({ caCertificateRefs: undefined, wellKnownCACertificates: 'Example.com/cas' }),
    problems: ['spec.validation.wellKnownCACertificates: invalid value "Example.com/cas"'],
  },
  {
    name: 'no hostname',
    manifest: withValidation({ hostname: undefined }),
    problems: ['spec.validation.hostname: required field is missing'],
  },
  {
    name: 'an empty hostname',
    manifest: withValidation({ hostname: '' }),
    problems: ['spec.validation.hostname: must not be empty'],
  },
  {
    name: 'a wildcard hostname (SNI must be precise)',
    manifest: withValidation({ hostname: '*.example.com' }),
    problems: ['spec.validation.hostname: invalid value "*.example.com"'],
  },
  {
    name: 'a CA reference without group, more than 8',
    manifest: withValidation({
      caCertificateRefs: [{ kind: 'ConfigMap', name: 'ca' }, ...Array(8).fill(ca)],
    }),
    problems: [
      'spec.validation.caCertificateRefs: must have at most 8 items, not 9',
      'spec.validation.caCertificateRefs[0].group: required field is missing',
    ],
  },
  {
    name: 'no validation',
    manifest: policy({ targetRefs: [target] }),
    problems: ['spec.validation: required field is missing'],
  },
  {
    name: 'too many options, one too long',
    manifest: policy({
      targetRefs: [target],
      validation,
      options: Object.fromEntries(
        Array.from({ length: 17 }, (_, i) => [`example.com/o${i}`, i === 0 ? 'x'.repeat(4097) : 'v']),
      ),
    }),
    problems: [
      'spec.options: must have at most 16 entries, not 17',
      'spec.options["example.com/o0"]: must be at most 4096 characters, not 4097',
    ],
  },
]);

admissionCases('BackendTLSPolicy subjectAltNames', [
  {
    name: 'hostnames (wildcards allowed) and URIs',
    manifest: withSubjectAltNames(
      { type: 'Hostname', hostname: 'model.example.com' },
      { type: 'Hostname', hostname: '*.example.com' },
      { type: 'URI', uri: 'spiffe://cluster.local/ns/apps/sa/model' },
    ),
  },
  {
    name: 'type Hostname without hostname',
    manifest: withSubjectAltNames({ type: 'Hostname' }),
    problems: ['spec.validation.subjectAltNames[0].hostname: required when type is Hostname'],
  },
  {
    name: 'type URI without uri',
    manifest: withSubjectAltNames({ type: 'URI' }),
    problems: ['spec.validation.subjectAltNames[0].uri: required when type is URI'],
  },
  {
    name: 'type URI with a hostname',
    manifest: withSubjectAltNames({ type: 'URI', uri: 'spiffe://a/b', hostname: 'a.com' }),
    problems: ['spec.validation.subjectAltNames[0].hostname: must not be set when type is URI'],
  },
  {
    name: 'type Hostname with a uri',
    manifest: withSubjectAltNames({ type: 'Hostname', hostname: 'a.com', uri: 'spiffe://a/b' }),
    problems: ['spec.validation.subjectAltNames[0].uri: must not be set when type is Hostname'],
  },
  {
    name: 'a URI without scheme or authority, an unknown type, no type',
    manifest: withSubjectAltNames(
      { type: 'URI', uri: 'model.example.com' },
      { type: 'IP', hostname: 'a.com' },
      {},
    ),
    problems: [
      'spec.validation.subjectAltNames[0].uri: invalid value "model.example.com": must be a URI with a scheme and an authority',
      'spec.validation.subjectAltNames[1].type: unsupported value "IP"; must be one of: "Hostname", "URI"',
      'spec.validation.subjectAltNames[2].type: required field is missing',
    ],
  },
  {
    name: 'more than 5',
    manifest: withSubjectAltNames(
      ...Array.from({ length: 6 }, (_, i) => ({ type: 'Hostname', hostname: `h${i}.com` })),
    ),
    problems: ['spec.validation.subjectAltNames: must have at most 5 items, not 6'],
  },
]);

admissionCases('BackendTLSPolicy targetRefs', [
  {
    name: 'two ports of one Service by sectionName, other names, kinds and groups',
    manifest: withTargets(
      { ...target, sectionName: 'https' },
      { ...target, sectionName: 'grpc' },
      { ...target, name: 'other' },
      { ...target, kind: 'ServiceImport' },
      { ...target, group: 'example.com' },
    ),
  },
  {
    name: 'the same target twice',
    manifest: withTargets(target, target),
    problems: ['spec.targetRefs[1]: duplicate targetRef: this target is already referenced'],
  },
  {
    name: 'the same target with and without sectionName',
    manifest: withTargets({ ...target, sectionName: 'https' }, target),
    problems: [
      'spec.targetRefs[1]: sectionName must be set on all or none of the targetRefs that name the same target',
    ],
  },
  {
    name: 'the same sectionName twice',
    manifest: withTargets({ ...target, sectionName: 'https' }, { ...target, sectionName: 'https' }),
    problems: ['spec.targetRefs[1]: duplicate targetRef: sectionName "https" is already referenced'],
  },
  {
    name: 'no targetRefs',
    manifest: policy({ validation }),
    problems: ['spec.targetRefs: required field is missing'],
  },
  {
    name: 'an empty list',
    manifest: withTargets(),
    problems: ['spec.targetRefs: must have at least 1 item'],
  },
  {
    name: 'a target without group or kind (no defaults in the CRD), a bad sectionName',
    manifest: withTargets({ name: 'model', sectionName: 'HTTPS' }),
    problems: [
      'spec.targetRefs[0].sectionName: invalid value "HTTPS"',
      'spec.targetRefs[0].group: required field is missing',
      'spec.targetRefs[0].kind: required field is missing',
    ],
  },
  {
    name: 'more than 16',
    manifest: withTargets(...Array.from({ length: 17 }, (_, i) => ({ ...target, name: `s${i}` }))),
    problems: ['spec.targetRefs: must have at most 16 items, not 17'],
  },
]);
