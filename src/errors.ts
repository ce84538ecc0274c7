// The one registry of errors a user can see: a stable code, the HTTP status and a message template.
// Deep code throws or answers `SluiceError`s by code; nothing else invents user-facing strings.

export const errorRegistry = {
  // Data plane: routing
  route_not_found: { status: 404, type: 'not_found_error', message: 'no route matches {method} {host}{path}' },
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
  upstream_timeout: { status: 504, type: 'gateway_timeout', message: 'the upstream did not answer within {ms} ms' },
  request_timeout: { status: 504, type: 'gateway_timeout', message: 'the request did not complete within {ms} ms' },
  misdirected_request: {
    status: 421,
    type: 'misdirected_request',
    message: 'host {host} is not served on this TLS connection',
  },
  bad_request: { status: 400, type: 'invalid_request_error', message: '{reason}' },
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
