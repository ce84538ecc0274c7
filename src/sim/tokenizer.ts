// Token ids from text: prompts, chat messages and generated output, so equal prefixes share KV-cache blocks.
//
// Text is tokenized with OpenAI's cl100k_base byte-pair encoding (the `gpt-tokenizer` package). Llama 3's
// tokenizer was built from cl100k_base plus 28k extra tokens, so counts are close to a Llama 3 server's.
// Chat messages are rendered with the Llama 3 chat template, its special tokens taking Llama 3's ids
// (above cl100k's range, so they never collide). Generated output is drawn from words that are single
// tokens, which makes re-tokenizing an answer in the next turn yield the very ids that were generated.

import { decode, encode } from 'gpt-tokenizer/encoding/cl100k_base';
import type { SeededRandom } from './random.ts';

const BEGIN_OF_TEXT = 128000;
const START_HEADER = 128006;
const END_HEADER = 128007;
const END_OF_TURN = 128009;

export interface ChatMessage {
  role: string;
  content: string;
}

export function encodeText(text: string): number[] {
  return encode(text, { disallowedSpecial: new Set() });
}

/** A completion prompt as a Llama 3 server sees it: begin-of-text, then the text. */
export function encodePrompt(text: string): number[] {
  return [BEGIN_OF_TEXT, ...encodeText(text)];
}

/** The Llama 3 chat template, ending with the assistant header the answer continues from. */
export function encodeChat(messages: readonly ChatMessage[]): number[] {
  const ids = [BEGIN_OF_TEXT];
  for (const message of messages) {
    ids.push(
      START_HEADER,
      ...encodeText(message.role),
      END_HEADER,
      ...encodeText(`\n\n${message.content.trim()}`),
    );
    ids.push(END_OF_TURN);
  }
  ids.push(START_HEADER, ...encodeText('assistant'), END_HEADER, ...encodeText('\n\n'));
  return ids;
}

const specialText = new Map([
  [BEGIN_OF_TEXT, '<|begin_of_text|>'],
  [START_HEADER, '<|start_header_id|>'],
  [END_HEADER, '<|end_header_id|>'],
  [END_OF_TURN, '<|eot_id|>'],
]);

export function decodeTokens(ids: readonly number[]): string {
  let text = '';
  let run: number[] = [];
  for (const id of ids) {
    const special = specialText.get(id);
    if (special === undefined) {
      run.push(id);
      continue;
    }
    text += decode(run) + special;
    run = [];
  }
  return text + decode(run);
}

// Plain words an assistant might say. Only those that are one token with a leading space are used.
const candidateWords = (
  'the of and to in is that for it as with was on be at by this had not are but from or have an they ' +
  'which one you were all we when there can said use each she do how their if will up other about out ' +
  'many then them these so some would make like him into time has look two more write go see number way ' +
  'could people than first water been call who its now find long down day did get come made may part ' +
  'model request cache token server answer result value system data prefix block route user question ' +
  'example simple however because also first then next finally important consider approach'
).split(' ');

const sentenceStarters = ['The', 'This', 'In', 'It', 'We', 'A', 'For', 'When', 'Each', 'That'];

function singleTokenIds(words: readonly string[], prefix: string): number[] {
  const ids = new Set<number>();
  for (const word of words) {
    const encoded = encodeText(prefix + word);
    if (encoded.length === 1) ids.add(encoded[0]);
  }
  return [...ids];
}

const wordIds = singleTokenIds(candidateWords, ' ');
const starterIds = singleTokenIds(sentenceStarters, '');
const spacedStarterIds = singleTokenIds(sentenceStarters, ' ');
const periodId = encodeText('.')[0];

/**
 * `count` output token ids reading as sentences of 8–20 words. Each id is one pre-tokenization piece,
 * so the text decodes and re-encodes to the same ids.
 */
export function generateOutput(count: number, random: SeededRandom): number[] {
  const ids: number[] = [];
  let sentenceLeft = 0;
  while (ids.length < count) {
    if (sentenceLeft === 0) {
      if (ids.length > 0) {
        ids.push(periodId);
        if (ids.length === count) break;
      }
      const starters = ids.length === 0 ? starterIds : spacedStarterIds;
      ids.push(starters[random.int(0, starters.length - 1)]);
      sentenceLeft = random.int(8, 20);
      continue;
    }
    ids.push(wordIds[random.int(0, wordIds.length - 1)]);
    sentenceLeft--;
  }
  return ids;
}
