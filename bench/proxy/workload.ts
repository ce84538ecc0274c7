// The two request shapes the proxy benchmark sends, and the fixed bodies the upstream answers them with.

export interface RequestCase {
  name: 'GET' | 'POST';
  method: 'GET' | 'POST';
  path: string;
  /** Request body sent by the load generator (POST only). */
  requestBody?: string;
  /** What the upstream answers, always 200 application/json. */
  responseBody: string;
}

export const requestCases: readonly RequestCase[] = [
  {
    name: 'GET',
    method: 'GET',
    path: '/',
    responseBody: '{"ok":true,"msg":"hello","n":42}',
  },
  {
    // The size of a short OpenAI-style chat call; the proxies pass it through without reading it.
    name: 'POST',
    method: 'POST',
    path: '/v1/chat/completions',
    requestBody: '{"model":"local-model","messages":[{"role":"user","content":"hi"}]}',
    responseBody:
      '{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"local-model",' +
      '"choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help?"},' +
      '"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":7,"total_tokens":16}}',
  },
];
