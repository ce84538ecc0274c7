// How long one engine step takes: a roofline over the batch's linear layers plus attention and bookkeeping.
//
//   T = overhead + max(weightsRead, tokenCompute × N) + attentionPair × Σ prefill pairs
//       + kvRead × Σ decode contexts + sequence × S + loraLoad × loads
//
// N is every token in the step (prefill chunks and one per decode), S the number of sequences. Reading
// the weights bounds small batches (memory-bound decode); compute bounds large ones. A prefill chunk of
// n tokens after p computed tokens does n·p + n(n+1)/2 query-key pairs of causal attention; a decode
// reads its whole KV context. See docs/simulator.md for the derivation and the calibration.

import type { ScheduledChunk } from './scheduler.ts';

export interface StepCosts {
  /** Scheduling, input preparation, sampling and launch per step. */
  stepOverheadMs: number;
  /** Streaming the weights from HBM once, the floor of any step. */
  weightsReadMs: number;
  /** Linear layers per token when compute-bound. */
  tokenComputeMs: number;
  /** Attention per query-key pair in a prefill chunk. */
  attentionPairMs: number;
  /** Reading one token's KV during a decode. */
  kvReadMs: number;
  /** Per sequence in the batch (sampling, detokenizing, output processing). */
  sequenceMs: number;
  /** Bringing a LoRA adapter into a GPU slot. */
  loraLoadMs: number;
}

export function stepDurationMs(
  costs: StepCosts,
  chunks: readonly ScheduledChunk[],
  loraLoads: number,
): number {
  let tokens = 0;
  let prefillPairs = 0;
  let decodeContext = 0;
  for (const chunk of chunks) {
    tokens += chunk.numTokens;
    if (chunk.decode) {
      decodeContext += chunk.startPosition + 1;
    } else {
      prefillPairs += chunk.numTokens * chunk.startPosition + (chunk.numTokens * (chunk.numTokens + 1)) / 2;
    }
  }
  return (
    costs.stepOverheadMs +
    Math.max(costs.weightsReadMs, costs.tokenComputeMs * tokens) +
    costs.attentionPairMs * prefillPairs +
    costs.kvReadMs * decodeContext +
    costs.sequenceMs * chunks.length +
    costs.loraLoadMs * loraLoads
  );
}
