// The command line's contract: usage errors exit 2 with a message, `version` and `help` work.

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { ConfigDir, SluiceChild } from './harness.ts';

async function run(...args: string[]): Promise<{ code: number | null; output: string }> {
  const sluice = new SluiceChild(args);
  const [code] = await sluice.exited;
  return { code, output: sluice.lines.join('\n') };
}

describe('sluice command line', () => {
  test('usage errors exit 2 and say what is wrong', async () => {
    for (const [args, message] of [
      [['serve'], /serve needs at least one --config DIR/],
      [['serve', '--config', '.', '--admin-address', 'nowhere'], /--admin-address must be ADDRESS:PORT/],
      [['serve', '--config', '.', '--bogus'], /Unknown option '--bogus'/],
      [['serve', '--config', '.', '--address-pool', '10.0.0.0/8'], /--address-pool must be an IPv4 CIDR/],
      [['launch'], /unknown command "launch"/],
      [['demo', '--port', '99999'], /--port must be a port number/],
    ] as const) {
      const { code, output } = await run(...args);
      assert.equal(code, 2, args.join(' '));
      assert.match(output, message);
      assert.match(output, /sluice /, 'usage follows the message');
    }
  });

  test('version and help', async () => {
    assert.match((await run('version')).output, /^sluice \d+\.\d+\.\d+/);
    const help = await run('help', 'serve');
    assert.equal(help.code, 0);
    assert.match(help.output, /--address-pool CIDR/);
  });

  test('an admin address that is taken stops serve with exit 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    const config = await ConfigDir.create();
    try {
      const { code, output } = await run(
        'serve',
        '--config',
        config.path,
        '--admin-address',
        `127.0.0.1:${port}`,
      );
      assert.equal(code, 1);
      assert.match(output, /"msg":"cannot start".*EADDRINUSE/);
    } finally {
      taken.close();
      await config.remove();
    }
  });
});
