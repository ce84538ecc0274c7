import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PrefixFeedback, type Verdict } from './feedback.ts';
import { PrefixIndex } from './index.ts';

const blockChars = 64;
/** Block hashes are numbers: chain `p` is 112000, 112001, … (the letter's code, then the block's place). */
const chain = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => prefix.charCodeAt(0) * 1000 + i);

/**
 * Endpoint `a` holds an old chain `o` (4 blocks) and a system prompt `p` (10 blocks, recorded after `o`).
 * A request whose text is `p` plus 2 blocks of its own (12 blocks of 64 characters, 192 tokens at 4
 * characters a token) is predicted and recorded there, with `pending` an earlier request still in prefill
 * that recorded `p` again just before it.
 */
function scenario(pending: boolean) {
  const index = new PrefixIndex(100);
  const feedback = new PrefixFeedback(index);
  index.add('a', chain('o', 4));
  index.add('a', chain('p', 10));
  const earlier = {};
  if (pending) feedback.recorded(earlier, 'a', index.add('a', chain('p', 10)));
  const hashes = [...chain('p', 10), ...chain('r', 2)];
  const prediction = feedback.predict('a', hashes, index.matchLengths(hashes).get('a') ?? 0, blockChars);
  const request = {};
  feedback.recorded(request, 'a', index.add('a', hashes));
  return { index, feedback, prediction, request, earlier };
}

describe('prefix feedback from cached_tokens', () => {
  const cases: {
    name: string;
    cachedTokens: number;
    pending?: boolean;
    promptTokens?: number;
    verdict: Verdict;
    oldKept: boolean;
  }[] = [
    { name: 'the whole promised prefix was cached', cachedTokens: 160, verdict: 'held', oldKept: true },
    { name: 'more than promised (an answer cached too)', cachedTokens: 190, verdict: 'held', oldKept: true },
    { name: 'short by the tolerance (2 blocks of 10)', cachedTokens: 128, verdict: 'held', oldKept: true },
    {
      name: 'short by 3 blocks: the tail was evicted',
      cachedTokens: 112,
      verdict: 'shortfall',
      oldKept: false,
    },
    { name: 'nothing cached: the prefix was evicted', cachedTokens: 0, verdict: 'shortfall', oldKept: false },
    {
      name: 'nothing cached while an earlier request was still computing the prefix',
      cachedTokens: 0,
      pending: true,
      verdict: 'unproven-shortfall',
      oldKept: true,
    },
    {
      name: 'no prompt tokens reported',
      cachedTokens: 0,
      promptTokens: 0,
      verdict: 'unknown',
      oldKept: true,
    },
  ];
  for (const { name, cachedTokens, pending = false, promptTokens = 192, verdict, oldKept } of cases) {
    it(name, () => {
      const { index, feedback, prediction } = scenario(pending);
      assert.equal(prediction.matched, 10);
      assert.equal(feedback.check(prediction, 12 * blockChars, promptTokens, cachedTokens), verdict);
      assert.equal(index.matchLengths(chain('o', 4)).get('a') === 4, oldKept, 'the old chain');
      assert.equal(index.matchLengths(chain('p', 10)).get('a'), 10, 'the prefix was just recomputed: kept');
    });
  }

  it('a shortfall lowers the bound to what is left; kept promises grow it back', () => {
    const { index, feedback, prediction } = scenario(false);
    feedback.check(prediction, 12 * blockChars, 192, 0);
    assert.equal(index.capacity('a'), 12);
    feedback.check(prediction, 12 * blockChars, 192, 160);
    assert.equal(index.capacity('a'), 24);
  });

  it('counts a request as pending until it settles, oldest first', () => {
    const { index, feedback, request, earlier } = scenario(true);
    const hashes = chain('s', 3);
    assert.equal(feedback.predict('a', hashes, 0, blockChars).pendingFrom, 14, 'the earlier request');
    feedback.settled(earlier, 'a');
    assert.equal(feedback.predict('a', hashes, 0, blockChars).pendingFrom, 24, 'the request itself');
    feedback.settled(request, 'a');
    assert.equal(feedback.predict('a', hashes, 0, blockChars).pendingFrom, Number.POSITIVE_INFINITY);
    assert.equal(index.size('a'), 16);
  });
});
