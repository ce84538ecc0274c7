// The text of a request that prefix-cache affinity hashes, per API, as the Inference Extension takes it:
// requests that will share KV-cache blocks on the server share a leading part of this text.

export type InferenceApi = 'chat/completions' | 'completions' | 'embeddings' | 'responses';

/**
 * Chat messages are hashed as their JSON (roles and structure included, so two conversations only
 * match while their messages do); a completion prompt as its plain text; embeddings and responses
 * inputs as JSON.
 */
export function promptText(api: InferenceApi, body: Readonly<Record<string, unknown>>): string {
  switch (api) {
    case 'chat/completions':
      return JSON.stringify(body.messages);
    case 'completions': {
      const prompt = body.prompt;
      if (typeof prompt === 'string') return prompt;
      if (Array.isArray(prompt) && prompt.every((part) => typeof part === 'string')) return prompt.join('');
      return JSON.stringify(prompt);
    }
    case 'embeddings':
      return JSON.stringify(body.input);
    case 'responses': {
      const parts: Record<string, unknown>[] = [];
      if (body.instructions !== undefined) parts.push({ instructions: body.instructions });
      if (body.tools !== undefined) parts.push({ tools: body.tools });
      parts.push({ input: body.input });
      return JSON.stringify(parts);
    }
  }
}
