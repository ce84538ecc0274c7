import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newRequestId } from './request-id.ts';

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('request ids: a random UUID v4, distinct across more ids than one draw of random bytes holds', () => {
  const ids = new Set<string>();
  // 1000 ids span several refills of the random pool (256 ids each).
  for (let i = 0; i < 1000; i++) {
    const id = newRequestId();
    assert.match(id, uuidV4);
    ids.add(id);
  }
  assert.equal(ids.size, 1000);
});

test('request ids: every hex digit and both variant forms occur (the bytes are not fixed)', () => {
  const seen = new Set<string>();
  const variants = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const id = newRequestId();
    for (const digit of id.replaceAll('-', '')) seen.add(digit);
    variants.add(id[19]);
  }
  assert.equal(seen.size, 16);
  assert.deepEqual([...variants].sort(), ['8', '9', 'a', 'b']);
});
