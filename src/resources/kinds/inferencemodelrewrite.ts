// InferenceModelRewrite (llm-d.ai/v1alpha2, formerly inference.networking.x-k8s.io): rewrites the request
// body's `model` for one InferencePool, splitting by weight across target models. The CRD has no CEL rules;
// the checks below are warnings for what it accepts but cannot work as written.

import { quote } from '../check.ts';
import {
  type InferenceModelRewrite,
  type InferenceModelRewriteRule,
  type InferenceModelRewriteSpec,
  LLMD_GROUP,
  type ModelMatch,
  type ModelRewriteMatch,
  type TargetModel,
} from '../inference-api.ts';
import { defineKind } from '../kind.ts';
import { dnsSubdomain } from '../names.ts';
import { array, dropped, integer, object, type Rule, string } from '../schema.ts';
import { formerlyInGIE, LLMD_VERSION, poolReference, specExpected } from './inference-shared.ts';

const match = object<ModelRewriteMatch>(
  {
    model: object<ModelMatch>(
      {
        type: string({ enum: ['Exact'], default: 'Exact' }),
        value: string({ minLength: 1 }),
      },
      { required: ['value'] },
    ),
  },
  { required: ['model'] },
);

const target = object<TargetModel>(
  {
    modelRewrite: string({
      rules: [
        (self, report) => {
          if (self === '') {
            report('is empty, so there is no model to send the request to', [], 'warning');
          }
        },
      ],
    }),
    weight: integer({ minimum: 1, maximum: 1_000_000 }),
  },
  { required: ['modelRewrite'] },
);

/** What the field documentation asks of a rule, and what llm-d-router's picker does when it is not so. */
const ruleRules: Rule<InferenceModelRewriteRule> = (self, report) => {
  if (self.targets === undefined) {
    report(
      'a rule without targets has no model to rewrite to; llm-d-router answers the requests it matches with 400',
      ['targets'],
      'warning',
    );
    return;
  }
  const weighted = self.targets.filter((t) => t.weight !== undefined).length;
  if (weighted > 0 && weighted < self.targets.length) {
    report(
      'set weight on every target or on none: targets without a weight are never chosen',
      ['targets'],
      'warning',
    );
  }
};

const rule = object<InferenceModelRewriteRule>(
  { matches: array(match), targets: array(target, { minItems: 1 }) },
  { rules: [ruleRules] },
);

/** Within one object the first rule that matches wins, so a later rule for the same model is never used. */
const shadowedRules: Rule<InferenceModelRewriteRule[]> = (rules, report) => {
  const exact = new Map<string, number>();
  let catchAll: number | undefined;
  rules.forEach((r, index) => {
    const matches = r.matches ?? [];
    if (matches.length === 0) {
      if (catchAll !== undefined) {
        report(
          `rules[${catchAll}] already matches every request, so this rule is never used`,
          [index],
          'warning',
        );
      }
      catchAll ??= index;
      return;
    }
    matches.forEach((m, n) => {
      const earlier = exact.get(m.model.value);
      if (earlier !== undefined && earlier !== index) {
        report(
          `model ${quote(m.model.value)} is already matched by rules[${earlier}], which wins; this match is never used`,
          [index, 'matches', n, 'model', 'value'],
          'warning',
        );
      }
      if (earlier === undefined) exact.set(m.model.value, index);
    });
  });
};

const spec = object<InferenceModelRewriteSpec>(
  { poolRef: poolReference(), rules: array(rule, { rules: [shadowedRules] }) },
  { required: ['poolRef', 'rules'] },
);

export const inferenceModelRewriteKind = defineKind<InferenceModelRewrite>({
  group: LLMD_GROUP,
  kind: 'InferenceModelRewrite',
  versions: [LLMD_VERSION],
  formerly: formerlyInGIE('InferenceModelRewrite'),
  namespaced: true,
  name: dnsSubdomain(),
  fields: { spec, status: dropped() },
  rules: [specExpected],
});
