// RequestMirror: sends a copy of a request to a mirror cluster and drops its answer. A request body is
// teed; a mirror that falls behind is cut off so that it never slows the real request down.

import { PassThrough, type Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { ClusterRuntime } from './clusters.ts';

/** How far a mirror may lag behind the real request body before it is cut off. */
const mirrorLagBytes = 1024 * 1024;

/** The request as a mirror copies it, at the point of the filter list where the mirror runs. */
export interface MirroredRequest {
  method: string;
  /** Path with the query string. */
  path: string;
  headers: readonly string[];
}

/** Mirror answers are read and dropped; mirror failures are nobody's business. */
const discard: Dispatcher.DispatchHandler = {
  onRequestStart() {},
  onResponseStart() {},
  onResponseData() {},
  onResponseEnd() {},
  onResponseError() {},
};

/** Sends the copy to the next endpoint of the cluster; `body` is a tee branch or null. */
export function sendMirror(cluster: ClusterRuntime, request: MirroredRequest, body: Readable | null): void {
  const endpoint = cluster.endpoints.next();
  if (endpoint === undefined) {
    body?.destroy();
    return;
  }
  endpoint.dispatcher.dispatch(
    { method: request.method, path: request.path, headers: [...request.headers], body },
    discard,
  );
}

/**
 * Fans a client request body out to the real upstream request (`main`, with the client's backpressure)
 * and to mirror branches (buffered up to `mirrorLagBytes`, then destroyed). Branches must be added in
 * the tick the tee is made, before the body starts flowing.
 */
export class BodyTee {
  readonly main = new PassThrough();
  readonly #branches: PassThrough[] = [];

  /** `source` is the client request, HTTP/1.x or HTTP/2 (`complete`: its body arrived whole). */
  constructor(source: Readable & { readonly complete: boolean }) {
    source.on('data', (chunk: Buffer) => {
      for (const branch of this.#branches) {
        if (!branch.destroyed && !branch.write(chunk)) branch.destroy();
      }
      if (!this.main.write(chunk)) source.pause();
    });
    this.main.on('drain', () => source.resume());
    source.on('end', () => {
      this.main.end();
      for (const branch of this.#branches) branch.end();
    });
    source.on('close', () => {
      if (source.complete) return;
      // The client went away mid-body: the copies must not look complete.
      this.main.destroy();
      for (const branch of this.#branches) branch.destroy();
    });
  }

  branch(): PassThrough {
    const branch = new PassThrough({ highWaterMark: mirrorLagBytes });
    this.#branches.push(branch);
    return branch;
  }
}
