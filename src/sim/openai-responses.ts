// Response bodies in vLLM's OpenAI-compatible shapes, field for field (non-streaming, SSE chunks, lists).

export interface Usage {
  prompt_tokens: number;
  total_tokens: number;
  completion_tokens: number;
  prompt_tokens_details: { cached_tokens: number } | null;
}

export function usage(promptTokens: number, completionTokens: number, cachedTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    total_tokens: promptTokens + completionTokens,
    completion_tokens: completionTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens },
  };
}

/** What every response of one request shares: its id, creation time and model. */
export interface ResponseHead {
  id: string;
  created: number;
  model: string;
}

export function chatCompletion(head: ResponseHead, content: string, finishReason: string, totals: Usage) {
  return {
    id: head.id,
    object: 'chat.completion',
    created: head.created,
    model: head.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content,
          refusal: null,
          annotations: null,
          audio: null,
          function_call: null,
          tool_calls: [],
          reasoning_content: null,
        },
        logprobs: null,
        finish_reason: finishReason,
        stop_reason: null,
      },
    ],
    service_tier: null,
    system_fingerprint: null,
    usage: totals,
    prompt_logprobs: null,
    kv_transfer_params: null,
  };
}

export function textCompletion(head: ResponseHead, text: string, finishReason: string, totals: Usage) {
  return {
    id: head.id,
    object: 'text_completion',
    created: head.created,
    model: head.model,
    choices: [
      {
        index: 0,
        text,
        logprobs: null,
        finish_reason: finishReason,
        stop_reason: null,
        prompt_logprobs: null,
      },
    ],
    service_tier: null,
    system_fingerprint: null,
    usage: totals,
    kv_transfer_params: null,
  };
}

/** A chat stream chunk; `delta` is `{role, content: ''}` first, then `{content}` per token. */
export function chatChunk(
  head: ResponseHead,
  delta: Record<string, string>,
  finishReason: string | null,
  totals: Usage | undefined,
) {
  const choice =
    finishReason === null
      ? { index: 0, delta, logprobs: null, finish_reason: null }
      : { index: 0, delta, logprobs: null, finish_reason: finishReason, stop_reason: null };
  const chunk = {
    id: head.id,
    object: 'chat.completion.chunk',
    created: head.created,
    model: head.model,
    choices: [choice],
  };
  return totals === undefined ? chunk : { ...chunk, usage: totals };
}

export function completionChunk(
  head: ResponseHead,
  text: string,
  finishReason: string | null,
  totals: Usage | undefined,
) {
  const chunk = {
    id: head.id,
    object: 'text_completion',
    created: head.created,
    model: head.model,
    choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason, stop_reason: null }],
  };
  return totals === undefined ? chunk : { ...chunk, usage: totals };
}

/** The last data chunk when `stream_options.include_usage` is set: no choices, the request's usage. */
export function usageChunk(head: ResponseHead, object: string, totals: Usage) {
  return { id: head.id, object, created: head.created, model: head.model, choices: [], usage: totals };
}

export interface ModelCardInput {
  id: string;
  created: number;
  root: string;
  parent: string | null;
  maxModelLen: number | null;
  ownedBy: string;
}

export function modelList(cards: readonly ModelCardInput[]) {
  return {
    object: 'list',
    data: cards.map((card) => ({
      id: card.id,
      object: 'model',
      created: card.created,
      owned_by: card.ownedBy,
      root: card.root,
      parent: card.parent,
      max_model_len: card.maxModelLen,
      permission: [
        {
          id: `modelperm-${card.id}`,
          object: 'model_permission',
          created: card.created,
          allow_create_engine: false,
          allow_sampling: true,
          allow_logprobs: true,
          allow_search_indices: false,
          allow_view: true,
          allow_fine_tuning: false,
          organization: '*',
          group: null,
          is_blocking: false,
        },
      ],
    })),
  };
}

export function embeddingList(
  head: ResponseHead,
  vectors: readonly (number[] | string)[],
  promptTokens: number,
) {
  return {
    id: head.id,
    object: 'list',
    created: head.created,
    model: head.model,
    data: vectors.map((embedding, index) => ({ index, object: 'embedding', embedding })),
    usage: {
      prompt_tokens: promptTokens,
      total_tokens: promptTokens,
      completion_tokens: 0,
      prompt_tokens_details: null,
    },
  };
}
