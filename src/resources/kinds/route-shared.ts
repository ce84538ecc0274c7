// Route pieces HTTPRoute and GRPCRoute share (v1.6 CRDs): parentRefs and their CEL rules, header matches,
// weighted backendRefs, the rule-list rules (total matches, unique names) and experimental session persistence.

import { quote } from '../check.ts';
import type {
  BackendObjectReference,
  HTTPHeaderMatch,
  ParentReference,
  SessionPersistence,
} from '../gateway-api.ts';
import {
  backendReferenceFields,
  distinctReferences,
  duration,
  headerName,
  parentReference,
  servicePortRule,
} from '../gateway-shared.ts';
import {
  type ArraySchema,
  array,
  integer,
  type ObjectSchema,
  object,
  type Report,
  type Rule,
  string,
} from '../schema.ts';

/**
 * `parentRefs`, with the experimental CRD's rule: references to one parent set `sectionName` and `port` alike
 * (the standard CRD ignores `port` here, so it cannot tell listeners apart by port).
 */
export function parentRefs(): ArraySchema {
  return array<ParentReference>(parentReference(), {
    maxItems: 32,
    rules: [
      distinctReferences({ list: 'parentRefs', item: 'parentRef', object: 'parent' }, [
        'sectionName',
        'port',
      ]),
    ],
  });
}

/** Sluice compiles RegularExpression values with JavaScript's RegExp; one that does not compile cannot route. */
export function compiles(value: string, report: Report, at: readonly string[] = ['value']): void {
  try {
    new RegExp(value);
  } catch (error) {
    report(
      `invalid regular expression ${quote(value)}: ${error instanceof Error ? error.message : String(error)}`,
      at,
    );
  }
}

/** A header match (the same shape in HTTPRoute and GRPCRoute). */
export function headerMatch(): ObjectSchema {
  return object<HTTPHeaderMatch>(
    {
      type: string({ enum: ['Exact', 'RegularExpression'], default: 'Exact' }),
      name: headerName(),
      value: string({ minLength: 1, maxLength: 4096 }),
    },
    {
      required: ['name', 'value'],
      rules: [
        (self, report) => {
          if (self.type === 'RegularExpression') compiles(self.value, report);
        },
      ],
    },
  );
}

/** A backendRef with `weight` (default 1) and its own `filters`. */
export function weightedBackendRef(filters: ArraySchema): ObjectSchema {
  return object<BackendObjectReference & { weight?: number; filters?: unknown[] }>(
    {
      ...backendReferenceFields(),
      weight: integer({ minimum: 0, maximum: 1_000_000, default: 1 }),
      filters,
    },
    { required: ['name'], rules: [servicePortRule] },
  );
}

const maxMatches = 128;

/** CEL on a route's rules: at most 128 matches in all, and (experimental CRD) rule names are unique. */
export const routeRulesRules: Rule<{ name?: string; matches?: unknown[] }[]> = (rules, report) => {
  const total = rules.reduce((sum, r) => sum + (r.matches?.length ?? 0), 0);
  if (total > maxMatches)
    report(`must have at most ${maxMatches} matches in total across all rules, not ${total}`);
  rules.forEach((r, index) => {
    if (r.name !== undefined && rules.findIndex((other) => other.name === r.name) < index) {
      report(`rule name ${quote(r.name)} is used by an earlier rule; names must be unique`, [index, 'name']);
    }
  });
};

type CookieConfig = NonNullable<SessionPersistence['cookieConfig']>;

/** Experimental `sessionPersistence` of a route rule (GEP-1619). */
export const sessionPersistence = object<SessionPersistence>(
  {
    sessionName: string({ maxLength: 128 }),
    absoluteTimeout: duration(),
    type: string({ enum: ['Cookie', 'Header'], default: 'Cookie' }),
    cookieConfig: object<CookieConfig>({
      lifetimeType: string({ enum: ['Permanent', 'Session'], default: 'Session' }),
    }),
  },
  {
    rules: [
      (self, report) => {
        if (self.cookieConfig?.lifetimeType === 'Permanent' && self.absoluteTimeout === undefined) {
          report('required when cookieConfig.lifetimeType is Permanent (how long the cookie lives)', [
            'absoluteTimeout',
          ]);
        }
        if (self.cookieConfig !== undefined && self.type !== 'Cookie') {
          report(`must not be set when type is ${self.type}; only type Cookie uses it`, ['cookieConfig']);
        }
      },
    ],
  },
);
