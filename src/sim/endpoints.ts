// The other OpenAI/vLLM endpoints: /v1/embeddings, /v1/models, and loading or unloading LoRA adapters.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SluiceError } from '../errors.ts';
import { type ReplicaContext, resolveModel } from './context.ts';
import { readJson, sendJson, sendText } from './http-io.ts';
import { parseEmbeddingRequest, parseLoadLora, parseUnloadLora } from './openai-requests.ts';
import { embeddingList, modelList } from './openai-responses.ts';
import { SeededRandom } from './random.ts';
import type { SimRequest } from './request.ts';

/** A unit vector that depends only on the token ids, so equal inputs embed equally. */
function embed(tokens: readonly number[], dimensions: number): number[] {
  let seed = 0x811c9dc5;
  for (const token of tokens) seed = Math.imul(seed ^ token, 0x01000193) >>> 0;
  const random = new SeededRandom(seed);
  const vector = Array.from({ length: dimensions }, () => random.next() * 2 - 1);
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

function base64(vector: readonly number[]): string {
  return Buffer.from(Float32Array.from(vector).buffer).toString('base64');
}

/** Each input is a prefill-only request through the engine, so embeddings cost engine time and KV blocks. */
export async function handleEmbeddings(
  context: ReplicaContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const arrivalMs = context.clock.now();
  const request = parseEmbeddingRequest(await readJson(req));
  const model = resolveModel(context, request.model);
  res.setHeader('x-inference-model', model.name);
  const maxModelLen = context.engine.config.maxModelLen;
  for (const input of request.inputs) {
    if (input.length > maxModelLen) {
      throw new SluiceError('sim_context_length', {
        max: maxModelLen,
        total: input.length,
        prompt: input.length,
        completion: 0,
      });
    }
  }
  const pending: SimRequest[] = [];
  let settled = false;
  res.on('close', () => {
    if (!settled) for (const request of pending) context.engine.abort(request);
  });
  const finishedAll = request.inputs.map(
    (input) =>
      new Promise<void>((resolve) => {
        pending.push(
          context.engine.submit({
            promptTokens: input,
            output: [],
            maxTokens: 0,
            pooling: true,
            lora: model.lora,
            arrivalMs,
            events: { onToken: () => {}, onFinish: () => resolve() },
          }),
        );
      }),
  );
  await Promise.all(finishedAll);
  settled = true;
  const dimensions = request.dimensions ?? context.options.embeddingDimensions;
  const vectors = request.inputs.map((input) => {
    const vector = embed(input, dimensions);
    return request.encodingFormat === 'base64' ? base64(vector) : vector;
  });
  const promptTokens = request.inputs.reduce((sum, input) => sum + input.length, 0);
  const head = {
    id: `embd-${randomUUID().replaceAll('-', '')}`,
    created: Math.floor(Date.now() / 1000),
    model: model.name,
  };
  sendJson(res, 200, embeddingList(head, vectors, promptTokens));
}

export function handleModels(context: ReplicaContext, res: ServerResponse): void {
  const ownedBy = context.options.engine;
  const base = {
    id: context.model,
    created: context.startedAt,
    root: context.model,
    parent: null,
    maxModelLen: context.engine.config.maxModelLen,
    ownedBy,
  };
  const adapters = context.loras.list().map((adapter) => ({
    id: adapter.name,
    created: adapter.loadedAt,
    root: adapter.path,
    parent: context.model,
    maxModelLen: null,
    ownedBy,
  }));
  sendJson(res, 200, modelList([base, ...adapters]));
}

export async function handleLoadLora(
  context: ReplicaContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { name, path } = parseLoadLora(await readJson(req));
  if (!context.options.enableLora) throw new SluiceError('sim_lora_disabled');
  if (!context.loras.load(name, path)) throw new SluiceError('sim_lora_exists', { name });
  sendText(res, 200, `Success: LoRA adapter '${name}' added successfully.`);
}

export async function handleUnloadLora(
  context: ReplicaContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const name = parseUnloadLora(await readJson(req));
  if (!context.loras.unload(name)) throw new SluiceError('sim_lora_not_found', { name });
  context.engine.loraSlots.evict(name);
  sendText(res, 200, `Success: LoRA adapter '${name}' removed successfully.`);
}
