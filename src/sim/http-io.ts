// Reading request bodies and writing JSON, text and vLLM-shaped errors on node:http.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { SluiceError } from '../errors.ts';

const maxBodyBytes = 32 * 1024 * 1024;

/** Reads and parses a JSON body; a body over the cap or that is not JSON is a `SluiceError`. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new SluiceError('sim_body_too_large', { limit: maxBodyBytes });
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new SluiceError('sim_bad_request', {
      reason: `The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** vLLM's ErrorResponse: `{"error": {"message", "type", "param", "code": <HTTP status>}}`. */
export function sendError(res: ServerResponse, error: unknown, status?: number): void {
  const known =
    error instanceof SluiceError
      ? error
      : new SluiceError('sim_internal_error', {
          reason: error instanceof Error ? error.message : String(error),
        });
  const code = status ?? known.status;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, code, { error: { message: known.message, type: known.type, param: null, code } });
}
