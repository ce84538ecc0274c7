// Secret (core v1): `stringData` is merged into `data` as base64, as the API server does on write.

import type { Secret } from '../core.ts';
import { base64Values, checkDataKeys, checkDataSize, stringValues } from '../data.ts';
import { defineKind } from '../kind.ts';
import { dnsSubdomain } from '../names.ts';
import { boolean, string } from '../schema.ts';

/** Keys a Secret of a given type must hold. */
const requiredKeys: Record<string, readonly string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
};

export const secretKind = defineKind<Secret>({
  group: '',
  kind: 'Secret',
  versions: ['v1'],
  namespaced: true,
  name: dnsSubdomain(),
  fields: {
    type: string({ default: 'Opaque' }),
    data: base64Values(),
    stringData: stringValues(),
    immutable: boolean(),
  },
  rules: [
    (self, report) => {
      checkDataKeys({ data: self.data }, report);
      checkDataSize(self.data, undefined, (message) => report(message, ['data']));
      for (const key of requiredKeys[self.type ?? 'Opaque'] ?? []) {
        if (self.data?.[key] === undefined)
          report(`a Secret of type ${self.type} must have the key "${key}"`, ['data']);
      }
    },
  ],
  normalize: (self) => {
    if (!self.stringData) return;
    const data = { ...self.data };
    for (const [key, value] of Object.entries(self.stringData))
      data[key] = Buffer.from(value).toString('base64');
    self.data = data;
    delete self.stringData;
  },
});
