// Splits a prompt into fixed-size character blocks and hashes them as a chain, the way the Inference
// Extension's approximate prefix cache does: block i's hash covers block i and the hash of block i−1, so
// equal hashes at position i mean equal prompts up to the end of block i.

import { hash } from 'node:crypto';

/** Characters per token assumed when block sizes are given in tokens (the upstream estimate). */
export const charactersPerToken = 4;

export interface PrefixHashOptions {
  /** Block size in characters. */
  blockChars: number;
  /** Blocks beyond this many are not hashed: long prompts that share this much are indistinguishable. */
  maxBlocks: number;
}

/**
 * The chained block hashes of `text`. The chain is seeded with the target model (and `cacheSalt`), so
 * different models and adapters never share entries; a trailing partial block is hashed too, and a text
 * shorter than one block gives no hashes at all.
 */
export function prefixBlockHashes(
  text: string,
  model: string,
  options: PrefixHashOptions,
  cacheSalt = '',
): string[] {
  const { blockChars, maxBlocks } = options;
  if (text.length < blockChars) return [];
  const input = text.length > blockChars * maxBlocks ? text.slice(0, blockChars * maxBlocks) : text;
  const hashes: string[] = [];
  // SHA-1 from node:crypto: about 0.4 µs a block here, and the base64 digest has a fixed length, so
  // `previous + block` is an unambiguous encoding of the pair.
  let previous = hash('sha1', `${model}\u0000${cacheSalt}`, 'base64');
  for (let start = 0; start < input.length; start += blockChars) {
    previous = hash('sha1', previous + input.slice(start, start + blockChars), 'base64');
    hashes.push(previous);
  }
  return hashes;
}
