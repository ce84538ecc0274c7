// A gRPC call's request body as undici reads it: an async iterable over the client's HTTP/2 stream.
// Handed a Readable, undici joins it to the upstream stream with stream.pipeline, whose per-call
// AbortController, DOMException and end-of-stream watchers were a tenth of the gateway's CPU per unary
// call; an iterable is written in a plain loop that waits for the upstream stream's drain.

import { Http2ServerRequest } from 'node:http2';
import type { Readable } from 'node:stream';

/**
 * Chunks of `source` in order. The source is paused while a chunk waits to be taken, so a client that
 * sends faster than the upstream reads is held back by HTTP/2 flow control, as a pipe would.
 */
class BodyChunks implements AsyncIterableIterator<Buffer> {
  readonly #source: Readable;
  readonly #chunks: Buffer[] = [];
  #ended = false;
  #failure: Error | null = null;
  #waiting: { resolve(result: IteratorResult<Buffer>): void; reject(error: Error): void } | null = null;

  constructor(source: Readable) {
    this.#source = source;
    source.on('data', this.#onData);
    source.on('end', this.#onEnd);
    source.on('error', this.#onError);
    source.on('close', this.#onClose);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Buffer>> {
    const chunk = this.#chunks.shift();
    if (chunk !== undefined) {
      if (this.#chunks.length === 0 && !this.#ended) this.#source.resume();
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.#failure !== null) return Promise.reject(this.#failure);
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  /** undici stopped reading (the upstream failed): what the client still sends is discarded. */
  return(): Promise<IteratorResult<Buffer>> {
    this.#detach();
    this.#chunks.length = 0;
    this.#source.resume();
    return Promise.resolve({ value: undefined, done: true });
  }

  #onData = (chunk: Buffer): void => {
    const waiting = this.#waiting;
    if (waiting !== null) {
      this.#waiting = null;
      waiting.resolve({ value: chunk, done: false });
      return;
    }
    this.#chunks.push(chunk);
    this.#source.pause();
  };

  #onEnd = (): void => {
    this.#ended = true;
    this.#detach();
    this.#settle(null);
  };

  #onError = (error: Error): void => {
    this.#fail(error);
  };

  /** A stream that closes before its end was cut (the client reset it). */
  #onClose = (): void => {
    if (!this.#ended) this.#fail(new Error('the client closed the request stream before its end'));
  };

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#detach();
    this.#settle(this.#failure);
  }

  #settle(error: Error | null): void {
    const waiting = this.#waiting;
    if (waiting === null) return;
    this.#waiting = null;
    if (error === null) waiting.resolve({ value: undefined, done: true });
    else waiting.reject(error);
  }

  #detach(): void {
    this.#source.off('data', this.#onData);
    this.#source.off('end', this.#onEnd);
    this.#source.off('error', this.#onError);
    this.#source.off('close', this.#onClose);
  }
}

/**
 * The body to dispatch for a gRPC call. The client's own request is read from its HTTP/2 stream
 * directly (node's compatibility request would copy every chunk through a second Readable); a body
 * read already, or a mirror's tee branch, is read as it is.
 */
export function grpcRequestBody(body: Buffer | Readable | null): Buffer | AsyncIterable<Buffer> | null {
  if (body === null || Buffer.isBuffer(body)) return body;
  return new BodyChunks(body instanceof Http2ServerRequest ? body.stream : body);
}
