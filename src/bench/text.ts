// Prompt text with an exact token count: words that are each one cl100k token, drawn from seeded streams,
// so equal streams give equal text (shared prefixes) and a stream's text never merges with its neighbours.

import { createHash } from 'node:crypto';
import { SeededRandom } from '../sim/random.ts';
import { decodeTokens, encodeText } from '../sim/tokenizer.ts';

const vocabularySize = 4096;

/**
 * Lower-case words of 3–9 letters that are one token both with and without a leading space. Joined with
 * spaces, n of them are n tokens however the text starts (a chat template puts the first word after a
 * newline): the tokenizer's pre-split happens at every space, so words never merge. Read from the
 * tokenizer's own table (ids in order), so every machine gets the same list.
 */
const vocabulary: readonly string[] = (() => {
  const words: string[] = [];
  for (let id = 0; words.length < vocabularySize && id < 100_000; id++) {
    const piece = decodeTokens([id]);
    if (!/^ [a-z]{3,9}$/.test(piece)) continue;
    if (encodeText(piece).length === 1 && encodeText(piece.slice(1)).length === 1) words.push(piece.slice(1));
  }
  return words;
})();

/** A seeded stream named by its parts: the same parts always give the same stream. */
export function streamFor(...parts: (string | number)[]): SeededRandom {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest();
  return new SeededRandom(digest.readUInt32LE(0));
}

/** `tokens` words from `random`, separated by single spaces (no leading or trailing space). */
export function words(random: SeededRandom, tokens: number): string {
  const picked: string[] = [];
  for (let i = 0; i < tokens; i++) picked.push(vocabulary[random.int(0, vocabulary.length - 1)]);
  return picked.join(' ');
}

/** The keys 0 … n − 1, for `systemPrompts` of numbered groups. */
export function groupKeys(n: number): number[] {
  return Array.from({ length: n }, (_, group) => group);
}

/** One system prompt of `tokens` words per key (a group index, an adapter name), the same for a seed. */
export function systemPrompts(seed: number, keys: readonly (string | number)[], tokens: number): string[] {
  return keys.map((key) => words(streamFor(seed, 'system', key), tokens));
}

/**
 * The text of one trace block: `tokens` words derived from the hash id alone (not the run's seed), so
 * requests that list the same ids share a prefix in every run. Every word carries its leading space,
 * so blocks concatenate without changing their token counts; a shorter block is a prefix of the full one.
 */
export function blockText(hashId: number, tokens: number): string {
  return ` ${words(streamFor('trace-block', hashId), tokens)}`;
}
