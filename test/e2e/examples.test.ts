// Every example under examples/ that has a Gateway runs with `sluice demo --example NAME`, and every curl
// command the demo prints for it answers (2xx, or a redirect where the example redirects).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { test } from 'node:test';
import { eventually, repositoryRoot, runCurl, SluiceChild } from './harness.ts';

const examples = readdirSync(join(repositoryRoot, 'examples'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .filter((name) =>
    readdirSync(join(repositoryRoot, 'examples', name))
      .filter((file) => /\.ya?ml$/.test(file))
      .some((file) =>
        /^kind: Gateway$/m.test(readFileSync(join(repositoryRoot, 'examples', name, file), 'utf8')),
      ),
  );

/** `curl -k --resolve NAME:PORT:ADDRESS https://NAME:PORT/PATH`, as the demo prints for HTTPS listeners. */
function httpsGet(command: string): Promise<number> {
  const [, name, port, address, path] =
    /--resolve ([^:]+):(\d+):(\S+) https:\/\/[^/]+(\S*)$/.exec(command) ?? [];
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: address,
        port: Number(port),
        path: path || '/',
        servername: name,
        headers: { host: name },
        rejectUnauthorized: false,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

for (const example of examples) {
  test(`example ${example} runs with sluice demo and its printed commands answer`, async () => {
    const demo = new SluiceChild(['demo', '--example', example, '--admin-address', '127.0.0.1:0']);
    try {
      const commands = await eventually('the printed curl commands', async () => {
        if (demo.child.exitCode !== null) throw new Error(`the demo exited:\n${demo.lines.join('\n')}`);
        if (!demo.lines.some((line) => line.includes('Ctrl-C stops the demo'))) return undefined;
        return demo.lines
          .map((line) => line.trim())
          .filter(
            (line) => line.startsWith('curl ') && !line.includes('/api/v1/') && !line.endsWith('/metrics'),
          );
      });
      assert.ok(commands.length > 0, `${example}: the demo prints traffic commands`);
      for (const command of commands) {
        const status = command.includes('--resolve')
          ? await httpsGet(command)
          : (await runCurl(command)).status;
        assert.ok(status >= 200 && status < 400, `${example}: ${command} answered ${status}`);
      }
      assert.equal(await demo.stop(), 0);
    } finally {
      await demo.stop();
    }
  });
}
