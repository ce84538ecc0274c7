// The admin API's handler shape and the few ways it answers (JSON, text, registry errors).

import type { ErrorCode, ErrorParams } from '../errors.ts';
import { SluiceError } from '../errors.ts';

export interface AdminResponse {
  status: number;
  contentType: string;
  body: string;
}

/** Handlers get the parsed URL (path and query) and answer data; the server does the I/O. */
export type AdminHandler = (url: URL) => AdminResponse | Promise<AdminResponse>;

/** An endpoint group: exact paths to handlers. */
export type AdminRoutes = Record<string, AdminHandler>;

export function json(value: unknown, status = 200): AdminResponse {
  return { status, contentType: 'application/json', body: `${JSON.stringify(value, null, 2)}\n` };
}

export function text(body: string, status = 200, contentType = 'text/plain; charset=utf-8'): AdminResponse {
  return { status, contentType, body };
}

export function errorResponse(code: ErrorCode, params: ErrorParams = {}): AdminResponse {
  const error = new SluiceError(code, params);
  return { status: error.status, contentType: 'application/json', body: `${error.toBody()}\n` };
}
