// The inference phase before route matching, on listeners with inference routes: `GET /v1/models` is
// answered at the gateway, and an inference request's body is read once, bounded, and parsed, so that
// its model becomes `x-gateway-model-name`, and its base model `x-gateway-base-model-name`, for HTTPRoute
// header matches (body-based routing). Every other request keeps the streaming path.

import { SluiceError } from '../../errors.ts';
import { inferenceHeaders } from '../../inference/requestcontrol/headers.ts';
import { inferenceApiOf, parseInferenceBody } from '../../inference/requestcontrol/parse-body.ts';
import type { Exchange } from '../exchange.ts';
import { ClientGone, inferenceBodyLimitBytes, readBody } from './body.ts';
import { baseModelOf, type ListenerInference, modelList } from './listener.ts';

const modelsPath = '/v1/models';

/** Whether this phase takes the request: a model listing, or an inference API call. */
export function isInferenceRequest(exchange: Exchange): boolean {
  const { method, path } = exchange;
  if (method === 'POST') return inferenceApiOf(path) !== undefined;
  return (method === 'GET' || method === 'HEAD') && path === modelsPath;
}

/** Serves the phase; `route` continues with route matching once the model is known. */
export function serveInference(exchange: Exchange, inference: ListenerInference, route: () => void): void {
  exchange.openAiErrors = true;
  if (exchange.method !== 'POST') {
    const list = modelList(inference, exchange.host);
    // A listener that names no model lets its routes answer (a pool's servers list their own).
    if (list === null) route();
    else replyModels(exchange, list);
    return;
  }
  const { req } = exchange;
  if (req.headers.expect?.toLowerCase() === '100-continue' && !tooLarge(req.headers['content-length']))
    exchange.res.writeContinue();
  readBody(req, req.headers['content-length'], inferenceBodyLimitBytes).then(
    (body) => {
      if (exchange.finished) return;
      try {
        exchange.inference = parseInferenceBody(body, exchange.path, inferenceBodyLimitBytes);
      } catch (error) {
        exchange.replyError(
          error instanceof SluiceError ? error : new SluiceError('bad_request', { reason: String(error) }),
        );
        return;
      }
      exchange.body = body;
      const { model } = exchange.inference;
      exchange.rawHeaders = withHeader(
        withHeader(exchange.rawHeaders, inferenceHeaders.modelName, model),
        inferenceHeaders.baseModelName,
        baseModelOf(inference, model),
      );
      route();
    },
    (error: unknown) => {
      if (error instanceof ClientGone) exchange.finish(499);
      else if (error instanceof SluiceError) exchange.replyError(error);
    },
  );
}

function tooLarge(declaredLength: string | undefined): boolean {
  return declaredLength !== undefined && Number(declaredLength) > inferenceBodyLimitBytes;
}

function replyModels(exchange: Exchange, list: string): void {
  exchange.res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(list),
  });
  if (exchange.method === 'HEAD') exchange.res.end();
  else exchange.res.end(list);
  exchange.finish(200);
}

/** Header lines with every `name` line replaced by one carrying `value` (the client's own is not trusted). */
function withHeader(lines: readonly string[], name: string, value: string): string[] {
  const next: string[] = [];
  for (let i = 0; i < lines.length; i += 2) {
    if (lines[i].toLowerCase() !== name) next.push(lines[i], lines[i + 1]);
  }
  next.push(name, value);
  return next;
}
