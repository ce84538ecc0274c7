// Kubernetes name formats (DNS-1123 subdomains and labels, DNS-1035 labels, qualified names, label values,
// IANA service names) as schemas and checks, shared by every kind.

import { quote } from './check.ts';
import { map, type StringSchema, string } from './schema.ts';

const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const SUBDOMAIN_MEANS =
  'a lowercase DNS-1123 subdomain: letters a-z, digits, "-" and ".", starting and ending with a letter or digit';
export const LABEL_MEANS =
  'a lowercase DNS-1123 label: letters a-z, digits and "-", starting and ending with a letter or digit';

/** A DNS-1123 subdomain (most object names): at most 253 characters. */
export function dnsSubdomain(extra: Partial<StringSchema> = {}): StringSchema {
  return string({
    minLength: 1,
    maxLength: 253,
    pattern: subdomain,
    patternMeans: SUBDOMAIN_MEANS,
    ...extra,
  });
}

/** A DNS-1123 label (namespace names, port names): at most 63 characters. */
export function dnsLabel(extra: Partial<StringSchema> = {}): StringSchema {
  return string({ minLength: 1, maxLength: 63, pattern: label, patternMeans: LABEL_MEANS, ...extra });
}

/** A DNS-1035 label (Service names): like a DNS-1123 label but starting with a letter. */
export function dns1035Label(): StringSchema {
  return string({
    minLength: 1,
    maxLength: 63,
    pattern: dns1035,
    patternMeans:
      'a lowercase DNS-1035 label: letters a-z, digits and "-", starting with a letter and ending with a letter or digit',
  });
}

export function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && subdomain.test(value);
}

export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && label.test(value);
}

/** Why `value` is not a qualified name (`[prefix/]name`, as label keys are), or undefined when it is one. */
export function qualifiedNameProblem(value: string, what: 'key' | 'value' = 'key'): string | undefined {
  const slash = value.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : value.slice(0, slash);
  const name = slash < 0 ? value : value.slice(slash + 1);
  const why =
    'must be a qualified name: an optional DNS subdomain prefix and "/", then a name of at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
  if (prefix !== undefined && (prefix === '' || !isDnsSubdomain(prefix)))
    return `invalid ${what} ${quote(value)}: ${why}`;
  if (name.length > 63 || !qualifiedNamePart.test(name)) return `invalid ${what} ${quote(value)}: ${why}`;
  return undefined;
}

/** A string that must be a qualified name (label selector keys, `appProtocol`). */
export function qualifiedName(): StringSchema {
  return string({
    rules: [
      (self, report) => {
        const problem = qualifiedNameProblem(self, 'value');
        if (problem) report(problem);
      },
    ],
  });
}

export function labelValue(): StringSchema {
  return string({
    maxLength: 63,
    pattern: labelValuePattern,
    patternMeans:
      'empty or at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
  });
}

/** `metadata.labels`, a Service selector, `matchLabels`: qualified keys, label values. */
export function labels(sizes: { minProperties?: number; maxProperties?: number } = {}) {
  return map<string>(labelValue(), { ...sizes, keyProblem: qualifiedNameProblem });
}

const annotationsLimit = 256 * 1024;

export function annotations() {
  return map<string>(string(), {
    keyProblem: (key) => qualifiedNameProblem(key.toLowerCase()),
    rules: [
      (self, report) => {
        const size = Object.entries(self).reduce((sum, [key, value]) => sum + key.length + value.length, 0);
        if (size > annotationsLimit) report(`must total at most ${annotationsLimit} bytes, not ${size}`);
      },
    ],
  });
}

/** Why `value` is not an IANA service name (a named port), or undefined when it is one. */
export function portNameProblem(value: string): string | undefined {
  const ok =
    value.length >= 1 &&
    value.length <= 15 &&
    /^[a-z0-9-]+$/.test(value) &&
    /[a-z]/.test(value) &&
    !value.startsWith('-') &&
    !value.endsWith('-') &&
    !value.includes('--');
  return ok
    ? undefined
    : `invalid port name ${quote(value)}: must be at most 15 lowercase letters, digits and "-", with at least one letter, and no "-" at either end or twice in a row`;
}
