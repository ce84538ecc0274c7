// One scope's list-then-watch loop (a reflector, as client-go calls it) — a kind, maybe one namespace, maybe
// label or field selectors: list, watch from the list's resourceVersion with bookmarks, relist when the
// server says 410 Gone, reconnect with backoff on failure.

import { setTimeout as sleep } from 'node:timers/promises';
import { log } from '../../observability/log.ts';
import { isPlainObject } from '../../resources/check.ts';
import { KubeApiError, type KubeClient, type WatchEvent } from './client.ts';
import { collectionPath, type ServedKind } from './kinds.ts';

/** Where a reflector delivers what it sees. Objects are raw, as the API server sent them. */
export interface ReflectorSink {
  /** The complete current set of the reflector's scope (after every list). */
  replace(scope: ReflectorScope, objects: Record<string, unknown>[]): void;
  upsert(scope: ReflectorScope, object: Record<string, unknown>): void;
  remove(scope: ReflectorScope, object: Record<string, unknown>): void;
}

export interface ReflectorScope {
  served: ServedKind;
  /** One namespace, or every namespace (and cluster-scoped kinds) when undefined. */
  namespace?: string;
  /** Only the objects with these labels (`key=value,…`), as the API's `labelSelector`. */
  labelSelector?: string;
  /** Only the objects whose fields match (`metadata.name=…`), as the API's `fieldSelector`. */
  fieldSelector?: string;
}

/** A scope's identity: two reflectors of equal scopes would see the same objects. */
export function scopeId(scope: ReflectorScope): string {
  const { served, namespace = '', labelSelector = '', fieldSelector = '' } = scope;
  return [served.kind, namespace, labelSelector, fieldSelector].join('|');
}

/** How a scope reads in logs: `Pod in default (app=llama)`. */
export function describeScope(scope: ReflectorScope): string {
  const selectors = [scope.labelSelector, scope.fieldSelector].filter((selector) => selector !== undefined);
  const where = scope.namespace === undefined ? '' : ` in ${scope.namespace}`;
  return `${scope.served.kind}${where}${selectors.length > 0 ? ` (${selectors.join(', ')})` : ''}`;
}

export interface ReflectorOptions {
  /** First and longest pause between failed attempts. */
  backoffMs?: { initial: number; max: number };
  /** How long one watch request lasts before the server ends it and a new one starts. */
  watchTimeoutSeconds?: number;
  /** Page size of lists. */
  pageSize?: number;
}

const defaults = { backoffMs: { initial: 250, max: 8_000 }, watchTimeoutSeconds: 300, pageSize: 500 };

function resourceVersionOf(object: Record<string, unknown>): string | undefined {
  const metadata = object.metadata;
  return isPlainObject(metadata) && typeof metadata.resourceVersion === 'string'
    ? metadata.resourceVersion
    : undefined;
}

/** The server's way of saying "that resourceVersion is too old": HTTP 410, or an ERROR event with code 410. */
function isGone(error: unknown): boolean {
  return error instanceof KubeApiError && (error.httpStatus === 410 || error.reason === 'Expired');
}

class GoneError extends Error {}

export class Reflector {
  readonly #client: KubeClient;
  readonly #scope: ReflectorScope;
  readonly #sink: ReflectorSink;
  readonly #options: Required<ReflectorOptions>;
  readonly #stop = new AbortController();
  readonly #listed: Promise<void>;
  readonly #settled: Promise<void>;
  #markListed: () => void = () => {};
  #markSettled: () => void = () => {};
  #running: Promise<void> | undefined;

  constructor(
    client: KubeClient,
    scope: ReflectorScope,
    sink: ReflectorSink,
    options: ReflectorOptions = {},
  ) {
    this.#client = client;
    this.#scope = scope;
    this.#sink = sink;
    this.#options = { ...defaults, ...options };
    this.#listed = new Promise((resolve) => {
      this.#markListed = resolve;
    });
    this.#settled = new Promise((resolve) => {
      this.#markSettled = resolve;
    });
  }

  get scope(): ReflectorScope {
    return this.#scope;
  }

  /** Resolves once the first list has been delivered. */
  get listed(): Promise<void> {
    return this.#listed;
  }

  /** Resolves once the first list has been delivered or has failed: what there is to know now is known. */
  get settled(): Promise<void> {
    return this.#settled;
  }

  get #name(): string {
    return describeScope(this.#scope);
  }

  start(): void {
    this.#running ??= this.#run();
  }

  /** Stops the loop and its open request; resolves when it has ended. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    let resourceVersion: string | undefined;
    let delay = this.#options.backoffMs.initial;
    let failing = false;
    const recovered = () => {
      if (failing) log.info('watching the Kubernetes API again', { kind: this.#name });
      failing = false;
      delay = this.#options.backoffMs.initial;
    };
    while (!signal.aborted) {
      try {
        if (resourceVersion === undefined) {
          resourceVersion = await this.#list(signal);
          this.#markListed();
          this.#markSettled();
        }
        resourceVersion = await this.#watch(resourceVersion, signal, recovered);
      } catch (error) {
        if (signal.aborted) break;
        if ((error instanceof GoneError || isGone(error)) && resourceVersion !== undefined) {
          // Events were missed; only a fresh list brings the cache back in line.
          resourceVersion = undefined;
          continue;
        }
        this.#markSettled();
        if (!failing) {
          log.warn('cannot list or watch the Kubernetes API; the last configuration keeps serving', {
            kind: this.#name,
            error: error instanceof Error ? error.message : String(error),
          });
        }
        failing = true;
        await sleep(delay * (0.5 + Math.random() / 2), undefined, { signal }).catch(() => {});
        delay = Math.min(delay * 2, this.#options.backoffMs.max);
      }
    }
  }

  /** `labelSelector` and `fieldSelector`, for lists and watches alike. */
  #selectors(): Record<string, string> {
    const { labelSelector, fieldSelector } = this.#scope;
    return {
      ...(labelSelector !== undefined && { labelSelector }),
      ...(fieldSelector !== undefined && { fieldSelector }),
    };
  }

  /** Lists every page and delivers the whole set; returns the list's resourceVersion. */
  async #list(signal: AbortSignal): Promise<string> {
    const base = collectionPath(this.#scope.served, this.#scope.namespace);
    const items: Record<string, unknown>[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const query = new URLSearchParams({ ...this.#selectors(), limit: String(this.#options.pageSize) });
      if (continueToken !== undefined) query.set('continue', continueToken);
      const page = await this.#client.get(`${base}?${query}`, signal);
      for (const item of Array.isArray(page.items) ? page.items : []) {
        // List items carry no apiVersion and kind; the watch events do. Make both alike.
        if (isPlainObject(item)) {
          items.push({ apiVersion: this.#scope.served.apiVersion, kind: this.#scope.served.kind, ...item });
        }
      }
      const metadata = isPlainObject(page.metadata) ? page.metadata : {};
      resourceVersion = typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : '';
      continueToken =
        typeof metadata.continue === 'string' && metadata.continue !== '' ? metadata.continue : undefined;
    } while (continueToken !== undefined);
    this.#sink.replace(this.#scope, items);
    return resourceVersion;
  }

  /**
   * Watches from `resourceVersion` until the server ends the stream; returns the last version seen.
   * `opened` runs once the server has accepted the watch.
   */
  async #watch(resourceVersion: string, signal: AbortSignal, opened: () => void): Promise<string> {
    const path = collectionPath(this.#scope.served, this.#scope.namespace);
    let latest = resourceVersion;
    const event = ({ type, object }: WatchEvent) => {
      if (type === 'ERROR') {
        const code = Number(object.code);
        if (code === 410) throw new GoneError();
        throw new KubeApiError('GET', path, code, String(object.reason ?? ''), String(object.message ?? ''));
      }
      if (type === 'ADDED' || type === 'MODIFIED') this.#sink.upsert(this.#scope, object);
      else if (type === 'DELETED') this.#sink.remove(this.#scope, object);
      latest = resourceVersionOf(object) ?? latest;
    };
    const query = {
      ...this.#selectors(),
      allowWatchBookmarks: 'true',
      resourceVersion,
      timeoutSeconds: String(this.#options.watchTimeoutSeconds),
    };
    // The server ends each watch after timeoutSeconds; silence well past that means the connection died.
    const idleTimeoutMs = (this.#options.watchTimeoutSeconds + 30) * 1000;
    await this.#client.watch(path, query, { opened, event }, signal, idleTimeoutMs);
    return latest;
  }
}
