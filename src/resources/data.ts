// The key/value payloads of Secrets and ConfigMaps: base64 values, key format and the 1 MiB size limit.

import { quote } from './check.ts';
import { type MapSchema, map, string } from './schema.ts';

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const dataKey = /^[-._a-zA-Z0-9]+$/;
const maxTotalBytes = 1024 * 1024;

/** A map of base64 values (`data`, `binaryData`); line breaks inside a value are ignored, as Go's decoder does. */
export function base64Values(): MapSchema {
  return map<string>(
    string({
      rules: [
        (self, report) => {
          if (!base64.test(self.replace(/[\r\n]/g, ''))) {
            report('must be base64 (standard alphabet, with "=" padding); use stringData for plain text');
          }
        },
      ],
    }),
  );
}

export function stringValues(): MapSchema {
  return map<string>(string());
}

/** Every key is a valid file name for a volume, and keys are not repeated across the maps. */
export function checkDataKeys(
  maps: Record<string, Record<string, string> | undefined>,
  report: (message: string, at: string[]) => void,
): void {
  const seen = new Map<string, string>();
  for (const [field, values] of Object.entries(maps)) {
    for (const key of Object.keys(values ?? {})) {
      if (key.length > 253 || !dataKey.test(key) || key === '.' || key === '..' || key.startsWith('..')) {
        report(
          `invalid key ${quote(key)}: must be at most 253 letters, digits, "-", "_" or ".", and not start with ".."`,
          [field, key],
        );
      }
      const other = seen.get(key);
      if (other !== undefined) report(`duplicate key ${quote(key)}: it is also in ${other}`, [field, key]);
      seen.set(key, field);
    }
  }
}

/** Decoded size of `data` (base64) plus `text` values must stay under the API server's 1 MiB limit. */
export function checkDataSize(
  encoded: Record<string, string> | undefined,
  text: Record<string, string> | undefined,
  report: (message: string) => void,
): void {
  let total = 0;
  for (const value of Object.values(encoded ?? {})) total += Buffer.from(value, 'base64').length;
  for (const value of Object.values(text ?? {})) total += Buffer.byteLength(value);
  if (total > maxTotalBytes) report(`the data must total at most ${maxTotalBytes} bytes, not ${total}`);
}
