// Reads a request body whole, bounded: a body declared larger than the limit is refused before a byte of
// it is read, one that grows past it as soon as it does.

import type { Readable } from 'node:stream';
import { SluiceError } from '../../errors.ts';

/** Inference request bodies above this are answered 413 (a 128k-token prompt is about 0.5 MiB). */
export const inferenceBodyLimitBytes = 4 * 1024 * 1024;

/** Rejected when the client leaves before its body ended; the gateway has nobody to answer then. */
export class ClientGone extends Error {
  constructor() {
    super('the client left before its request body ended');
  }
}

/** `declaredLength` is the Content-Length header, when the client sent one. */
export function readBody(body: Readable, declaredLength: string | undefined, limit: number): Promise<Buffer> {
  if (declaredLength !== undefined && Number(declaredLength) > limit)
    return Promise.reject(new SluiceError('body_too_large', { limit }));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        reject(new SluiceError('body_too_large', { limit }));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = () => {
      stop();
      reject(new ClientGone());
    };
    const onClose = () => {
      if (body.readableEnded) return;
      stop();
      reject(new ClientGone());
    };
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
  });
}
