// The one registry of errors a user can see: a stable code, the HTTP status and a message template.
// Deep code throws or answers `SluiceError`s by code; nothing else invents user-facing strings.

export const errorRegistry = {
  // Data plane: routing
  route_not_found: {
    status: 404,
    type: 'not_found_error',
    message: 'no route matches {method} {host}{path}',
  },
  backend_invalid: { status: 500, type: 'server_error', message: 'the route backend is invalid: {reason}' },
  no_backends: { status: 500, type: 'server_error', message: 'the matched route rule has no backends' },
  no_healthy_endpoints: {
    status: 503,
    type: 'service_unavailable',
    message: 'no ready endpoints for backend {cluster}',
  },
  filter_unsupported: {
    status: 500,
    type: 'server_error',
    message: 'the matched route rule has a filter that cannot be applied',
  },
  upstream_connect_failed: {
    status: 502,
    type: 'bad_gateway',
    message: 'could not reach the upstream {endpoint}: {reason}',
  },
  upstream_reset: { status: 502, type: 'bad_gateway', message: 'the upstream {endpoint} failed: {reason}' },
  upstream_timeout: {
    status: 504,
    type: 'gateway_timeout',
    message: 'the upstream did not answer within {ms} ms',
  },
  upstream_tls_failed: {
    status: 502,
    type: 'bad_gateway',
    message: 'TLS to the upstream {endpoint} failed: {reason}',
  },
  upstream_retries_exhausted: {
    status: 503,
    type: 'service_unavailable',
    message: 'the upstream failed on all {tries} tries; the last, to {endpoint}: {reason}',
  },
  request_timeout: {
    status: 504,
    type: 'gateway_timeout',
    message: 'the request did not complete within {ms} ms',
  },
  misdirected_request: {
    status: 421,
    type: 'misdirected_request',
    message: 'host {host} is not served on this TLS connection',
  },
  bad_request: { status: 400, type: 'invalid_request_error', message: '{reason}' },
  // Inference routes: request parsing, admission and endpoint picking (OpenAI's error types)
  model_missing: {
    status: 400,
    type: 'invalid_request_error',
    message: 'you must provide a model parameter',
  },
  body_too_large: {
    status: 413,
    type: 'invalid_request_error',
    message: 'the request body exceeds the limit of {limit} bytes',
  },
  request_shed: {
    status: 429,
    type: 'rate_limit_exceeded',
    message:
      'inference pool {pool} is saturated and drops sheddable requests (priority {priority}); retry later',
  },
  queue_full: {
    status: 429,
    type: 'rate_limit_exceeded',
    message: 'inference pool {pool} has no room in its admission queue ({reason}); retry later',
  },
  queue_timeout: {
    status: 503,
    type: 'service_unavailable',
    message: 'the request waited {ms} ms for capacity on inference pool {pool} and was dropped',
  },
  queue_cancelled: {
    status: 503,
    type: 'service_unavailable',
    message: 'the request was cancelled while waiting for capacity on inference pool {pool}',
  },
  pool_no_endpoints: {
    status: 503,
    type: 'service_unavailable',
    message: 'inference pool {pool} has no ready endpoints{detail}',
  },
  pool_no_fit: {
    status: 429,
    type: 'rate_limit_exceeded',
    message: 'no endpoint of inference pool {pool} can take the request: {reason}',
  },
  model_not_found: {
    status: 404,
    type: 'invalid_request_error',
    message: 'the model `{model}` is not served at {host}{path}',
  },
  pool_pick_failed: {
    status: 500,
    type: 'server_error',
    message: 'the endpoint picker of inference pool {pool} failed: {reason}',
  },
  // Admin API
  admin_not_found: { status: 404, type: 'not_found_error', message: 'no admin endpoint at {path}' },
  admin_method_not_allowed: {
    status: 405,
    type: 'invalid_request_error',
    message: 'the admin API only answers GET and HEAD, not {method}',
  },
  admin_internal_error: {
    status: 500,
    type: 'server_error',
    message: 'the admin endpoint {path} failed: {reason}',
  },
  // Configuration (reported in logs, status and `sluice validate`, not over HTTP)
  config_parse_error: { status: 400, type: 'invalid_config', message: '{reason}' },
  config_invalid_object: { status: 400, type: 'invalid_config', message: '{reason}' },
  config_conflict: { status: 409, type: 'invalid_config', message: '{reason}' },
  // Model-server simulator (`sluice sim`): answered in vLLM's error shape, so types follow vLLM's
  sim_model_not_found: { status: 404, type: 'NotFoundError', message: 'The model `{model}` does not exist.' },
  sim_bad_request: { status: 400, type: 'BadRequestError', message: '{reason}' },
  sim_context_length: {
    status: 400,
    type: 'BadRequestError',
    message:
      "This model's maximum context length is {max} tokens. However, you requested {total} tokens " +
      '({prompt} in the messages, {completion} in the completion). ' +
      'Please reduce the length of the messages or completion.',
  },
  sim_queue_full: {
    status: 429,
    type: 'RateLimitError',
    message: 'The waiting queue is full ({limit} requests); retry later.',
  },
  sim_rate_limited: {
    status: 429,
    type: 'RateLimitError',
    message: 'Rate limit reached for {model} on requests per min (RPM): Limit 3, Used 3, Requested 1.',
  },
  sim_invalid_api_key: { status: 401, type: 'AuthenticationError', message: 'Incorrect API key provided.' },
  sim_overloaded: {
    status: 503,
    type: 'ServiceUnavailableError',
    message: 'The server is overloaded or not ready yet.',
  },
  sim_forced_status: {
    status: 500,
    type: 'InternalServerError',
    message: 'Status {status} was forced by the x-return-error request header.',
  },
  sim_lora_exists: {
    status: 400,
    type: 'BadRequestError',
    message: "The lora adapter '{name}' has already been loaded.",
  },
  sim_lora_not_found: {
    status: 404,
    type: 'NotFoundError',
    message: "The lora adapter '{name}' cannot be found.",
  },
  sim_lora_disabled: {
    status: 400,
    type: 'BadRequestError',
    message: 'LoRA is not enabled on this server; start it with --enable-lora.',
  },
  sim_api_unsupported: {
    status: 400,
    type: 'BadRequestError',
    message: 'The model does not support {api} API',
  },
  sim_not_found: { status: 404, type: 'NotFoundError', message: 'No route for {method} {path}.' },
  sim_body_too_large: {
    status: 413,
    type: 'BadRequestError',
    message: 'The request body exceeds {limit} bytes.',
  },
  sim_internal_error: { status: 500, type: 'InternalServerError', message: 'The simulator failed: {reason}' },
  sim_invalid_config: { status: 400, type: 'invalid_config', message: '{reason}' },
  // Kubernetes provider (reported in logs)
  kube_config_invalid: { status: 400, type: 'invalid_config', message: 'cannot use the {source}: {reason}' },
  kube_api_error: {
    status: 502,
    type: 'kubernetes_api_error',
    message: 'the Kubernetes API answered {method} {path} with {code}: {reason}',
  },
  kube_watch_silent: {
    status: 504,
    type: 'kubernetes_api_error',
    message: 'the watch of {path} sent nothing for {seconds} s; the connection is taken as lost',
  },
  // Scheduling benchmark (`sluice bench`; the status is the exit code)
  bench_invalid_trace: { status: 2, type: 'usage_error', message: '{file}:{line}: {reason}' },
  bench_failed: { status: 1, type: 'bench_error', message: '{reason}' },
  // Command line
  cli_usage: { status: 2, type: 'usage_error', message: '{reason}' },
} as const satisfies Record<string, { status: number; type: string; message: string }>;

export type ErrorCode = keyof typeof errorRegistry;

export type ErrorParams = Record<string, string | number>;

/** Fills `{name}` placeholders of the code's template. Unknown placeholders stay visible. */
export function formatError(code: ErrorCode, params: ErrorParams = {}): string {
  return errorRegistry[code].message.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in params ? String(params[key]) : whole,
  );
}

export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: string;
  readonly params: ErrorParams;

  constructor(code: ErrorCode, params: ErrorParams = {}) {
    super(formatError(code, params));
    this.name = 'SluiceError';
    this.code = code;
    this.status = errorRegistry[code].status;
    this.type = errorRegistry[code].type;
    this.params = params;
  }

  /** The documented JSON error body (OpenAI's shape, used on every route). */
  toBody(): string {
    return JSON.stringify({ error: { message: this.message, type: this.type, code: this.code } });
  }
}
