// Writes Sluice's status to the API server through the status subresource: only while leading, only
// objects whose merged status differs from the live one, with the object's resourceVersion, retrying on 409.
// Every kind with status is a custom resource, so the library's CustomObjectsApi carries the writes.

import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { log } from '../../observability/log.ts';
import { isPlainObject } from '../../resources/check.ts';
import { type KubeObject, objectKey } from '../../resources/object.ts';
import { SerialJob } from '../../store/serial.ts';
import type { StatusWriter } from '../../store/status.ts';
import type { ClusterCache } from './cache.ts';
import { KubeApiError, type KubeClient, kubeCall } from './client.ts';
import { type ServedKind, statusKinds } from './kinds.ts';
import { mergeStatus } from './merge.ts';

const MAX_CONFLICT_RETRIES = 5;
/** Pause before a failed write is tried again (the API server may be down). */
const RETRY_DELAY_MS = 2_000;

function metadataOf(object: Record<string, unknown>): Record<string, unknown> {
  return isPlainObject(object.metadata) ? object.metadata : {};
}

function splitKey(key: string): { kind: string; namespace?: string; name: string } {
  const parts = key.split('/');
  return parts.length === 3
    ? { kind: parts[0], namespace: parts[1], name: parts[2] }
    : { kind: parts[0], name: parts.slice(1).join('/') };
}

/** One object of a custom resource, as CustomObjectsApi names it. */
interface CustomObjectRef {
  group: string;
  version: string;
  plural: string;
  name: string;
  namespace?: string;
}

function isAbsent(error: unknown): boolean {
  return error instanceof KubeApiError && error.httpStatus === 404;
}

export class ClusterStatusWriter {
  readonly #objects: CustomObjectsApi;
  readonly #cache: ClusterCache;
  readonly #statuses: StatusWriter;
  readonly #served: () => readonly ServedKind[];
  readonly #controllerName: string;
  readonly #job: SerialJob;
  #pending = new Set<string>();
  #leading = false;
  #closed = false;

  constructor(
    client: KubeClient,
    cache: ClusterCache,
    statuses: StatusWriter,
    served: () => readonly ServedKind[],
    controllerName: string,
  ) {
    this.#objects = new CustomObjectsApi(client.configuration());
    this.#cache = cache;
    this.#statuses = statuses;
    this.#served = served;
    this.#controllerName = controllerName;
    this.#job = new SerialJob(
      () => this.#flush(),
      (error) => log.error('status write pass failed', { error: String(error) }),
    );
  }

  /** Leading: check every object Sluice might report on. Not leading: drop what is queued. */
  setLeading(leading: boolean): void {
    this.#leading = leading;
    if (!leading) {
      this.#pending.clear();
      return;
    }
    for (const [key] of this.#statuses.entries()) this.#pending.add(key);
    // Every cached object of a kind Sluice reports on is checked, not only those with status to write now.
    for (const { object } of this.#cache.entries()) {
      if (statusKinds.has(object.kind)) this.#pending.add(objectKey(object));
    }
    this.#job.run();
  }

  /** Queues the keys whose status changed in the last apply. */
  enqueue(keys: readonly string[]): void {
    if (!this.#leading || this.#closed) return;
    for (const key of keys) this.#pending.add(key);
    this.#job.run();
  }

  /** Resolves when nothing is queued or being written. */
  idle(): Promise<void> {
    return this.#job.idle();
  }

  close(): void {
    this.#closed = true;
    this.#pending.clear();
  }

  async #flush(): Promise<void> {
    const keys = [...this.#pending].sort();
    this.#pending.clear();
    const translated = new Map([...this.#statuses.entries()].map(([key, written]) => [key, written.object]));
    const failed: string[] = [];
    for (const key of keys) {
      if (!this.#leading || this.#closed) return;
      try {
        await this.#writeOne(key, translated.get(key));
      } catch (error) {
        failed.push(key);
        log.warn('cannot write status; will try again', {
          object: key,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (failed.length === 0 || this.#closed) return;
    await sleep(RETRY_DELAY_MS);
    this.enqueue(failed);
  }

  /** Writes one object's status; `translated` is the object version the status was computed from. */
  async #writeOne(key: string, translated: KubeObject | undefined): Promise<void> {
    const { kind, namespace, name } = splitKey(key);
    const served = this.#served().find((candidate) => candidate.kind === kind);
    if (!served) return;
    const [group, version] = served.apiVersion.split('/');
    const ref: CustomObjectRef = {
      group,
      version,
      plural: served.resource,
      name,
      ...(namespace && { namespace }),
    };
    const desired = this.#statuses.get(key);
    let live = this.#cache.raw(key);
    for (let attempt = 0; live !== undefined; attempt++) {
      // Status for an older generation than the server holds would be wrong; the next apply writes it.
      if (translated && metadataOf(live).generation !== translated.metadata.generation) return;
      const status = mergeStatus(live.status, desired, this.#controllerName);
      if (isDeepStrictEqual(status, live.status ?? {})) return;
      try {
        await this.#replaceStatus(ref, { ...live, status });
        log.debug('status written', { object: key });
        return;
      } catch (error) {
        if (isAbsent(error)) return;
        if (
          !(error instanceof KubeApiError) ||
          error.httpStatus !== 409 ||
          attempt === MAX_CONFLICT_RETRIES
        ) {
          throw error;
        }
        // Someone else wrote the object meanwhile: merge again into what is there now.
        live = await this.#read(ref).catch((reason: unknown) => {
          if (isAbsent(reason)) return undefined;
          throw reason;
        });
      }
    }
  }

  #replaceStatus(ref: CustomObjectRef, body: Record<string, unknown>): Promise<unknown> {
    const path = `${ref.plural}/${ref.namespace ?? ''}/${ref.name}/status`;
    return kubeCall('PUT', path, () =>
      ref.namespace === undefined
        ? this.#objects.replaceClusterCustomObjectStatus({ ...ref, body })
        : this.#objects.replaceNamespacedCustomObjectStatus({ ...ref, namespace: ref.namespace, body }),
    );
  }

  async #read(ref: CustomObjectRef): Promise<Record<string, unknown>> {
    const path = `${ref.plural}/${ref.namespace ?? ''}/${ref.name}`;
    const object: unknown = await kubeCall('GET', path, () =>
      ref.namespace === undefined
        ? this.#objects.getClusterCustomObject(ref)
        : this.#objects.getNamespacedCustomObject({ ...ref, namespace: ref.namespace }),
    );
    if (!isPlainObject(object)) throw new KubeApiError('GET', path, 200, '', 'the answer is not an object');
    return object;
  }
}
