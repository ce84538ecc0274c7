// One replica's HTTP server: routes, identity headers, failure injection, /health, /metrics, fake-metrics admin.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SluiceError } from '../errors.ts';
import type { ReplicaContext } from './context.ts';
import { handleEmbeddings, handleLoadLora, handleModels, handleUnloadLora } from './endpoints.ts';
import { drawFailure, forcedStatus } from './failures.ts';
import { parseFakeMetrics } from './fake-metrics.ts';
import { handleGeneration } from './generate.ts';
import { readJson, sendError, sendText } from './http-io.ts';
import type { Runner } from './options.ts';

type Handler = (context: ReplicaContext, req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

interface InferenceEndpoint {
  handler: Handler;
  /** The runner that serves it (besides `auto`), and the API's name in vLLM's refusal from the other one. */
  runner: Exclude<Runner, 'auto'>;
  api: string;
}

/** Endpoints that run inference, where injected failures apply. */
const inference: Record<string, InferenceEndpoint> = {
  '/v1/chat/completions': {
    handler: (context, req, res) => handleGeneration(context, 'chat', req, res),
    runner: 'generate',
    api: 'Chat Completions',
  },
  '/v1/completions': {
    handler: (context, req, res) => handleGeneration(context, 'completion', req, res),
    runner: 'generate',
    api: 'Completions',
  },
  '/v1/embeddings': { handler: handleEmbeddings, runner: 'pooling', api: 'Embeddings' },
};

const routes: Record<string, Handler> = {
  'GET /health': (_context, _req, res) => sendText(res, 200, ''),
  'GET /metrics': async (context, _req, res) => {
    const registry = context.metrics.registry;
    sendText(res, 200, await registry.metrics(), registry.contentType);
  },
  'GET /v1/models': (context, _req, res) => handleModels(context, res),
  'POST /v1/load_lora_adapter': handleLoadLora,
  'POST /v1/unload_lora_adapter': handleUnloadLora,
  // Not a vLLM endpoint: lets tests pin or animate the load gauges while the replica runs.
  'POST /admin/fake-metrics': async (context, req, res) => {
    context.metrics.setFakeMetrics(parseFakeMetrics(await readJson(req)));
    sendText(res, 200, '');
  },
};

for (const [path, { handler, runner, api }] of Object.entries(inference)) {
  routes[`POST ${path}`] = (context, req, res) => {
    if (context.options.runner !== 'auto' && context.options.runner !== runner) {
      req.resume();
      return sendError(res, new SluiceError('sim_api_unsupported', { api }));
    }
    const forced = forcedStatus(req.headers['x-return-error']);
    if (forced !== undefined) {
      req.resume();
      return sendError(res, new SluiceError('sim_forced_status', { status: forced }), forced);
    }
    const failure = drawFailure(
      { rate: context.options.failureRate, types: context.options.failureTypes },
      context.random,
      context.model,
    );
    if (failure !== undefined) {
      req.resume();
      return sendError(res, failure);
    }
    return handler(context, req, res);
  };
}

export function createReplicaServer(context: ReplicaContext): Server {
  const server = createServer((req, res) => {
    res.setHeader('x-inference-pod', context.options.pod);
    res.setHeader('x-inference-namespace', context.options.namespace);
    const port = server.address();
    if (port !== null && typeof port === 'object') res.setHeader('x-inference-port', String(port.port));
    const path = (req.url ?? '/').split('?')[0];
    const handler = routes[`${req.method} ${path}`];
    if (handler === undefined) {
      req.resume();
      sendError(res, new SluiceError('sim_not_found', { method: req.method ?? '', path }));
      return;
    }
    Promise.resolve()
      .then(() => handler(context, req, res))
      .catch((error: unknown) => sendError(res, error));
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  return server;
}
