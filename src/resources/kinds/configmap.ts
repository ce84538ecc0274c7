// ConfigMap (core v1): text `data` and base64 `binaryData`.

import type { ConfigMap } from '../core.ts';
import { base64Values, checkDataKeys, checkDataSize, stringValues } from '../data.ts';
import { defineKind } from '../kind.ts';
import { dnsSubdomain } from '../names.ts';
import { boolean } from '../schema.ts';

interface ConfigMapFields extends ConfigMap {
  binaryData?: Record<string, string>;
}

export const configMapKind = defineKind<ConfigMapFields>({
  group: '',
  kind: 'ConfigMap',
  versions: ['v1'],
  namespaced: true,
  name: dnsSubdomain(),
  fields: { data: stringValues(), binaryData: base64Values(), immutable: boolean() },
  rules: [
    (self, report) => {
      checkDataKeys({ data: self.data, binaryData: self.binaryData }, report);
      checkDataSize(self.binaryData, self.data, (message) => report(message));
    },
  ],
});
