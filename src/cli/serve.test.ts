// `sluice serve` flags: the client idle timeout is a Gateway API duration, and a bad one is a usage error.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SluiceError } from '../errors.ts';
import { parseServeArgs } from './serve.ts';

test('sluice serve: --client-idle-timeout takes a duration; without it the data plane default applies', () => {
  assert.equal(parseServeArgs(['--config', 'x', '--client-idle-timeout', '75s']).clientIdleTimeoutMs, 75_000);
  assert.equal(
    parseServeArgs(['--config', 'x', '--client-idle-timeout', '1h30m']).clientIdleTimeoutMs,
    5_400_000,
  );
  assert.equal(parseServeArgs(['--config', 'x', '--client-idle-timeout', '0s']).clientIdleTimeoutMs, 0);
  assert.equal(parseServeArgs(['--config', 'x']).clientIdleTimeoutMs, undefined);
});

test('sluice serve: a --client-idle-timeout that is not a duration is a usage error', () => {
  assert.throws(
    () => parseServeArgs(['--config', 'x', '--client-idle-timeout', '75']),
    (error: unknown) =>
      error instanceof SluiceError &&
      error.code === 'cli_usage' &&
      error.message === '--client-idle-timeout must be a duration such as 75s or 1h, not "75"',
  );
});
