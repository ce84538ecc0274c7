// Model rewrites (InferenceModelRewrite): the model a request names is sent upstream as a target chosen by
// weight, and the target's name is turned back into the requested one in what the client reads.

import type { IRModelRewrite } from '../../ir/types.ts';
import { WeightedPicker } from '../forward/balancer.ts';

export interface CompiledRewrite {
  /** Model names the rule applies to; null matches every model. */
  models: ReadonlySet<string> | null;
  targets: WeightedPicker<string>;
}

/**
 * Rules that name models are tried before catch-all rules (an exact match beats a catch-all, as
 * upstream's precedence says); list order decides otherwise.
 */
export function compileRewrites(rules: readonly IRModelRewrite[]): CompiledRewrite[] {
  return rules
    .filter((rule) => rule.targets.length > 0)
    .sort((a, b) => Number(a.models.length === 0) - Number(b.models.length === 0))
    .map((rule) => {
      // All weights zero means an even split, as upstream's picker does.
      const even = rule.targets.every((target) => !(target.weight > 0));
      return {
        models: rule.models.length === 0 ? null : new Set(rule.models),
        targets: new WeightedPicker(
          rule.targets.map((target) => ({ weight: even ? 1 : target.weight, value: target.model })),
        ),
      };
    });
}

/** The model to send upstream instead of `model`, or undefined when no rule applies. */
export function rewriteTarget(rewrites: readonly CompiledRewrite[], model: string): string | undefined {
  for (const rule of rewrites) {
    if (rule.models === null || rule.models.has(model)) return rule.targets.pick();
  }
  return undefined;
}

/** The request body with `model` replaced; the only case where the gateway re-serialises a body. */
export function rewriteBodyModel(body: Readonly<Record<string, unknown>>, model: string): Buffer {
  return Buffer.from(JSON.stringify({ ...body, model }));
}

/**
 * Replaces `"model": "<target>"` with `"model": "<requested>"` in JSON text (a whole body or SSE data
 * lines), without parsing it: answers keep their bytes apart from the name.
 */
export function modelRenamer(target: string, requested: string): (text: string) => string {
  const pattern = new RegExp(`("model"\\s*:\\s*)${escapeRegExp(JSON.stringify(target))}`, 'g');
  const replacement = JSON.stringify(requested);
  return (text) => text.replace(pattern, (_whole, key: string) => key + replacement);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
