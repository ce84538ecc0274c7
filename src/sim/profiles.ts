// Hardware/model profiles for the simulator: engine limits and step costs, calibrated to published figures.
//
// docs/simulator.md derives every number below and cites its source; the calibration test
// (calibration.test.ts) recomputes the published figures from these values.

import type { StepCosts } from './cost-model.ts';

export interface EngineLimits {
  numGpuBlocks: number;
  blockSize: number;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  maxModelLen: number;
  maxLoras: number;
}

export interface Profile {
  name: string;
  description: string;
  /** The model name served when --model is not given. */
  model: string;
  limits: EngineLimits;
  costs: StepCosts;
}

// FLOPs of attention per query-key pair over FLOPs of the linear layers per token: 4·layers·qDim / 2·params.
const llama8bAttentionRatio = (4 * 32 * 4096) / (2 * 8.03e9);
const qwen32bAttentionRatio = (4 * 64 * 8192) / (2 * 32.8e9);

export const profiles: Readonly<Record<string, Profile>> = {
  'llama-3.1-8b-h100': {
    name: 'llama-3.1-8b-h100',
    description: 'Llama 3.1 8B Instruct, BF16, one H100 80GB (vLLM v1 defaults for H100)',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    limits: {
      numGpuBlocks: 26_000,
      blockSize: 16,
      maxNumSeqs: 1024,
      maxNumBatchedTokens: 8192,
      maxModelLen: 131_072,
      maxLoras: 1,
    },
    costs: {
      stepOverheadMs: 3.5,
      weightsReadMs: 6,
      tokenComputeMs: 0.28,
      attentionPairMs: 0.28 * llama8bAttentionRatio,
      kvReadMs: 4.9e-5,
      sequenceMs: 0.02,
      loraLoadMs: 25,
    },
  },
  'qwen3-32b-2xh100': {
    name: 'qwen3-32b-2xh100',
    description: 'Qwen3 32B, BF16, two H100 80GB with tensor parallelism 2 (vLLM v1 defaults for H100)',
    model: 'Qwen/Qwen3-32B',
    limits: {
      numGpuBlocks: 19_208,
      blockSize: 16,
      maxNumSeqs: 1024,
      maxNumBatchedTokens: 8192,
      maxModelLen: 40_960,
      maxLoras: 1,
    },
    costs: {
      stepOverheadMs: 4,
      weightsReadMs: 12.2,
      tokenComputeMs: 0.37,
      attentionPairMs: 0.37 * qwen32bAttentionRatio,
      kvReadMs: 4.9e-5,
      sequenceMs: 0.02,
      loraLoadMs: 40,
    },
  },
};

export const defaultProfileName = 'llama-3.1-8b-h100';
