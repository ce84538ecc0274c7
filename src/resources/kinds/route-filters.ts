// Route filter pieces HTTPRoute and GRPCRoute share (v1.6 CRDs): header modifiers, request mirrors, and the CEL
// rules that tie a filter's `type` to its settings field and limit which types may repeat in a list.

import { quote } from '../check.ts';
import type { HTTPHeader, HTTPHeaderFilter, HTTPRequestMirrorFilter } from '../gateway-api.ts';
import { backendObjectReference, headerName } from '../gateway-shared.ts';
import {
  type ArraySchema,
  array,
  integer,
  type ObjectSchema,
  object,
  type Properties,
  type Rule,
  string,
} from '../schema.ts';

/**
 * A header to set or add. The value follows the experimental CRD's pattern (the standard one has none): visible
 * ASCII words separated by one space or tab, so no CR/LF can split the header, which Sluice could not send.
 */
const header = object<HTTPHeader>(
  {
    name: headerName(),
    value: string({
      minLength: 1,
      maxLength: 4096,
      pattern: /^[!-~]+([\t ]?[!-~]+)*$/,
      patternMeans:
        'visible ASCII characters, words separated by one space or tab (no line breaks or control characters, no space at either end)',
    }),
  },
  { required: ['name', 'value'] },
);

export const headerFilter = object<HTTPHeaderFilter>({
  set: array(header, { maxItems: 16, listType: 'map', mapKeys: ['name'] }),
  add: array(header, { maxItems: 16, listType: 'map', mapKeys: ['name'] }),
  remove: array(string(), { maxItems: 16, listType: 'set' }),
});

type Fraction = NonNullable<HTTPRequestMirrorFilter['fraction']>;

export const requestMirror = object<HTTPRequestMirrorFilter>(
  {
    backendRef: backendObjectReference(),
    percent: integer({ minimum: 0, maximum: 100 }),
    fraction: object<Fraction>(
      { numerator: integer({ minimum: 0 }), denominator: integer({ minimum: 1, default: 100 }) },
      {
        required: ['numerator'],
        rules: [
          (self, report) => {
            if (self.numerator > (self.denominator ?? 100)) {
              report(`must not be greater than the denominator (${self.denominator})`, ['numerator']);
            }
          },
        ],
      },
    ),
  },
  {
    required: ['backendRef'],
    rules: [
      (self, report) => {
        if (self.percent !== undefined && self.fraction !== undefined) {
          report('set either percent or fraction, not both', ['fraction']);
        }
      },
    ],
  },
);

interface TypedFilter {
  type: string;
}

/**
 * A filter object: `type` is one of the keys of `fieldOfType`, and (CEL) exactly the settings field of that
 * type is set. `settings` declares the schema of every settings field.
 */
export function routeFilter<F extends TypedFilter>(
  fieldOfType: Readonly<Record<string, Exclude<keyof F, 'type'> & string>>,
  settings: Properties<Omit<F, 'type'>>,
): ObjectSchema {
  const types = Object.keys(fieldOfType);
  const settingsMatchType: Rule<F> = (self, report) => {
    for (const [type, field] of Object.entries(fieldOfType)) {
      if (self.type === type && self[field] === undefined) report(`required when type is ${type}`, [field]);
      if (self.type !== type && self[field] !== undefined) {
        report(`must not be set when type is ${self.type} (it belongs to type ${type})`, [field]);
      }
    }
  };
  const properties = { type: string({ enum: types }), ...settings } as Properties<F>;
  return object<F>(properties, { required: ['type'] as (keyof F & string)[], rules: [settingsMatchType] });
}

/** `filters` of a rule or of one backendRef: at most 16; only the `repeatable` types may appear twice. */
export function routeFilterList<F extends TypedFilter>(
  filter: ObjectSchema,
  repeatable: readonly string[],
  rules: readonly Rule<F[]>[] = [],
): ArraySchema {
  const repeats: Rule<F[]> = (filters, report) => {
    filters.forEach((f, index) => {
      if (repeatable.includes(f.type)) return;
      if (filters.findIndex((other) => other.type === f.type) < index) {
        report(
          `filter type ${quote(f.type)} may appear only once in a list (only ${repeatable.join(' and ')} may repeat)`,
          [index, 'type'],
        );
      }
    });
  };
  return array<F>(filter, { maxItems: 16, rules: [...rules, repeats] });
}
