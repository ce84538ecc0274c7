// What a pool's model servers say they serve, learned from each endpoint's `GET /v1/models`: vLLM lists every
// LoRA adapter it has loaded with `parent` = its base model, and the base model with no parent. That teaches
// `x-gateway-base-model-name` for adapters no ConfigMap names, including adapters loaded at run time.
//
// Polled slowly (adapters change on human time scales) and off the request path, over one small keep-alive
// agent; a server that does not answer the OpenAI model list simply teaches nothing.

import { Agent, type Dispatcher, request } from 'undici';
import type { log } from '../../observability/log.ts';

export interface ServedModelsOptions {
  /** Pause between the end of one poll of an endpoint and the start of the next (default 5 s). */
  intervalMs?: number;
  /** A poll that has not finished by then fails (default 2 s). */
  timeoutMs?: number;
}

export const servedModelsDefaults = { intervalMs: 5000, timeoutMs: 2000 } as const;

/** Model lists above this are not read (a card is ~300 bytes: thousands of adapters fit). */
const maxListBytes = 1024 * 1024;

interface Polled {
  address: string;
  port: number;
  /** Model id → base model, from this endpoint's last good answer. */
  models: ReadonlyMap<string, string>;
  timer: NodeJS.Timeout | undefined;
  failing: boolean;
}

export class ServedModels {
  readonly #pool: string;
  readonly #log: typeof log;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #agent: Dispatcher = new Agent({ connections: 1 });
  /** By endpoint id (`address:port`), in id order when merged. */
  readonly #endpoints = new Map<string, Polled>();
  #baseModels: ReadonlyMap<string, string> = new Map();
  #closed = false;

  constructor(pool: string, logger: typeof log, options: ServedModelsOptions = {}) {
    this.#pool = pool;
    this.#log = logger;
    this.#intervalMs = options.intervalMs ?? servedModelsDefaults.intervalMs;
    this.#timeoutMs = options.timeoutMs ?? servedModelsDefaults.timeoutMs;
  }

  /** Model id → base model over the pool's endpoints; where they disagree, the lowest endpoint id wins. */
  get baseModels(): ReadonlyMap<string, string> {
    return this.#baseModels;
  }

  /** Polls new endpoints from now on and forgets removed ones. */
  setEndpoints(endpoints: readonly { id: string; address: string; port: number }[]): void {
    if (this.#closed) return;
    const wanted = new Set(endpoints.map((endpoint) => endpoint.id));
    let forgot = false;
    for (const [id, polled] of this.#endpoints) {
      if (wanted.has(id)) continue;
      clearTimeout(polled.timer);
      this.#endpoints.delete(id);
      forgot = true;
    }
    for (const { id, address, port } of endpoints) {
      if (this.#endpoints.has(id)) continue;
      const polled: Polled = { address, port, models: new Map(), timer: undefined, failing: false };
      this.#endpoints.set(id, polled);
      void this.#poll(id, polled);
    }
    if (forgot) this.#merge();
  }

  /** Polls every endpoint once, now; resolves when all are done (tests). */
  async refresh(): Promise<void> {
    await Promise.all([...this.#endpoints].map(([id, polled]) => this.#fetch(id, polled)));
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const polled of this.#endpoints.values()) clearTimeout(polled.timer);
    this.#endpoints.clear();
    // A poll in flight is of no use any more: cut it rather than wait for its timeout.
    await this.#agent.destroy();
  }

  async #poll(id: string, polled: Polled): Promise<void> {
    await this.#fetch(id, polled);
    if (this.#closed || this.#endpoints.get(id) !== polled) return;
    polled.timer = setTimeout(() => void this.#poll(id, polled), this.#intervalMs);
    polled.timer.unref();
  }

  /** One poll of one endpoint; never throws. A failed poll keeps what the endpoint said last. */
  async #fetch(id: string, polled: Polled): Promise<void> {
    try {
      const models = await this.#modelList(polled);
      if (this.#closed || this.#endpoints.get(id) !== polled) return;
      if (polled.failing) this.#log.debug('model list readable again', { pool: this.#pool, endpoint: id });
      polled.failing = false;
      if (sameEntries(models, polled.models)) return;
      polled.models = models;
      this.#merge();
    } catch (error) {
      if (this.#closed || polled.failing) return;
      polled.failing = true;
      this.#log.debug('model list not readable; base models are not learned from this endpoint', {
        pool: this.#pool,
        endpoint: id,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }

  async #modelList({ address, port }: Polled): Promise<Map<string, string>> {
    const host = address.includes(':') ? `[${address}]` : address;
    const { statusCode, headers, body } = await request(`http://${host}:${port}/v1/models`, {
      dispatcher: this.#agent,
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    if (statusCode !== 200 || Number(headers['content-length'] ?? 0) > maxListBytes) {
      await body.dump();
      throw new Error(`GET /v1/models answered ${statusCode}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > maxListBytes) throw new Error(`the model list is over ${maxListBytes} bytes`);
      chunks.push(chunk as Buffer);
    }
    return readModelList(JSON.parse(Buffer.concat(chunks, size).toString('utf8')));
  }

  #merge(): void {
    const merged = new Map<string, string>();
    for (const [, polled] of [...this.#endpoints].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      for (const [model, baseModel] of polled.models) if (!merged.has(model)) merged.set(model, baseModel);
    this.#baseModels = merged;
  }
}

/** An OpenAI model list: each card's `parent` is its base model (vLLM's adapters); a card without one is a base model. */
export function readModelList(list: unknown): Map<string, string> {
  const models = new Map<string, string>();
  const cards = isRecord(list) && Array.isArray(list.data) ? list.data : [];
  for (const card of cards) {
    if (!isRecord(card) || typeof card.id !== 'string' || card.id === '') continue;
    models.set(card.id, typeof card.parent === 'string' && card.parent !== '' ? card.parent : card.id);
  }
  return models;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function sameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([key, value]) => b.get(key) === value);
}
