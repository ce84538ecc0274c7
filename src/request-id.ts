// Request ids (`x-request-id`, the picker's request id): random version-4 UUIDs, cheap to hold while a
// request is in flight.

import { randomFillSync } from 'node:crypto';

/** Two lower-case hex digits per byte value, as character codes. */
const hexDigits = new Uint8Array(512);
for (let byte = 0; byte < 256; byte++) {
  const digits = byte.toString(16).padStart(2, '0');
  hexDigits[byte * 2] = digits.charCodeAt(0);
  hexDigits[byte * 2 + 1] = digits.charCodeAt(1);
}
/** Random bytes for 256 ids, drawn from the CSPRNG in one call and used 16 bytes at a time. */
const randomPool = Buffer.allocUnsafe(16 * 256);
let randomAt = randomPool.length;
const formatted = Buffer.allocUnsafe(36);
const dashAfter = new Set([3, 5, 7, 9]);

/**
 * A random (version 4) UUID such as `crypto.randomUUID()` returns. Node builds that string from 13
 * concatenated pieces that stay alive as long as the id does (~0.4 KiB per in-flight request); this one
 * is formatted into bytes and read back as one flat string (~56 bytes).
 */
export function newRequestId(): string {
  if (randomAt === randomPool.length) {
    randomFillSync(randomPool);
    randomAt = 0;
  }
  const start = randomAt;
  randomAt += 16;
  // RFC 9562: the version (4) in byte 6's high nibble, the variant (0b10) in byte 8's top bits.
  randomPool[start + 6] = (randomPool[start + 6] & 0x0f) | 0x40;
  randomPool[start + 8] = (randomPool[start + 8] & 0x3f) | 0x80;
  let at = 0;
  for (let i = 0; i < 16; i++) {
    const byte = randomPool[start + i];
    formatted[at++] = hexDigits[byte * 2];
    formatted[at++] = hexDigits[byte * 2 + 1];
    if (dashAfter.has(i)) formatted[at++] = 0x2d;
  }
  return formatted.toString('latin1', 0, 36);
}
