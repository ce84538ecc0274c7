// Splits a prompt into fixed-size character blocks and hashes them as a chain, the way the Inference
// Extension's approximate prefix cache does: block i's hash covers block i and the hash of block i−1, so
// equal hashes at position i mean equal prompts up to the end of block i.

/** Characters per token assumed when block sizes are given in tokens (the upstream estimate). */
export const charactersPerToken = 4;

/**
 * A block's hash: a non-negative 31-bit integer. V8 stores such numbers unboxed (small integers), so an
 * index of a million blocks holds no per-block objects for the garbage collector to trace. Two different
 * prefixes share a hash with probability 2⁻³¹, which for an approximate index is noise.
 */
export type BlockHash = number;

export interface PrefixHashOptions {
  /** Block size in characters. */
  blockChars: number;
  /** Blocks beyond this many are not hashed: long prompts that share this much are indistinguishable. */
  maxBlocks: number;
}

// The text's UTF-16 code units are copied into one reused buffer and hashed two at a time through a typed
// array: no string slice, call or allocation per block. This is the scheduling hot path; a digest call per
// block (node:crypto SHA-1, or a native xxHash) costs more in call overhead than the hashing itself.
let scratch = Buffer.allocUnsafeSlow(1 << 15);
let units = new Uint16Array(scratch.buffer, scratch.byteOffset, scratch.length >>> 1);

/** Copies the first `length` code units of `text` into `units`. */
function load(text: string, length: number): void {
  if (units.length < length) {
    scratch = Buffer.allocUnsafeSlow(length * 2);
    units = new Uint16Array(scratch.buffer, scratch.byteOffset, length);
  }
  scratch.write(text, 0, length * 2, 'utf16le');
}

/** MurmurHash3 (x86, 32-bit) of `units[start, stop)`, seeded with `seed`. */
function murmur3(start: number, stop: number, seed: number): number {
  let h = seed;
  let i = start;
  for (; i + 1 < stop; i += 2) {
    let k = units[i] | (units[i + 1] << 16);
    k = Math.imul(k, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < stop) {
    const k = Math.imul(units[i], 0xcc9e2d51);
    h ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  }
  h ^= (stop - start) * 2;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
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
): BlockHash[] {
  const { blockChars, maxBlocks } = options;
  if (text.length < blockChars) return [];
  const seedText = `${model}\u0000${cacheSalt}`;
  load(seedText, seedText.length);
  let previous = murmur3(0, seedText.length, 0);
  const length = Math.min(text.length, blockChars * maxBlocks);
  load(text, length);
  const hashes: BlockHash[] = [];
  for (let start = 0; start < length; start += blockChars) {
    previous = murmur3(start, Math.min(length, start + blockChars), previous);
    hashes.push(previous >>> 1);
  }
  return hashes;
}
