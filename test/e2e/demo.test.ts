// `npm start` (`sluice demo`): every command it prints must work as printed, run by a shell as a user would
// paste it, and the models part must show what the quickstart promises (a chat model with a LoRA adapter and
// an embedding model on one listener).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { eventually, freePort, repositoryRoot, SluiceChild } from './harness.ts';

interface ShellRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one printed command with `sh -c` from the repository root (where `npm start` runs). */
function shell(command: string): Promise<ShellRun> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', command], { cwd: repositoryRoot, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** What a command's answer must show, by what the command asks for. */
function checkAnswer(command: string, stdout: string, port: number): void {
  const url = /\s(http:\/\/\S+)/.exec(command)?.[1];
  assert.ok(url, `a URL in ${command}`);
  const path = new URL(url).pathname;
  if (path.startsWith('/api/v1/') || path === '/metrics') {
    assert.ok(stdout.length > 0, `${command} answers`);
    return;
  }
  assert.equal(new URL(url).port, String(port), `${command} goes through the gateway`);
  if (command.startsWith('npx node ')) {
    const lines = stdout.trim().split('\n');
    assert.equal(lines[0], 'models: llama-3.1-8b, sql-lora, bge-m3');
    assert.match(lines[1], /^llama-3\.1-8b: \S/, 'the streamed chat has content');
    assert.match(lines[2], /^sql-lora \(served as sql-lora-v[12] by 127\.0\.77\.\d+:8000\): \S/);
    assert.equal(lines[3], 'bge-m3: an embedding of 1024 dimensions');
    return;
  }
  const body = JSON.parse(stdout);
  const model = /"model":"([^"]+)"/.exec(command)?.[1];
  if (path === '/chat' || path === '/embed') {
    assert.equal(body.pod, `${path.slice(1)}-0`, 'each path reaches its own backend');
  } else if (path === '/v1/models') {
    assert.deepEqual(
      body.data.map((card: { id: string }) => card.id),
      ['llama-3.1-8b', 'sql-lora', 'bge-m3'],
    );
  } else if (path === '/v1/chat/completions') {
    assert.equal(body.object, 'chat.completion', stdout);
    assert.equal(body.model, model, 'the answer names the model asked for (sql-lora under its rollout too)');
  } else if (path === '/v1/embeddings') {
    assert.equal(body.model, 'bge-m3', stdout);
    assert.equal(body.data[0].embedding.length, 1024);
  } else {
    assert.fail(`an unexpected command: ${command}`);
  }
}

test('the demo prints commands that work as printed, and cleans up on Ctrl-C', async () => {
  const port = await freePort();
  const demo = new SluiceChild(['demo', '--port', String(port), '--admin-address', '127.0.0.1:0']);
  try {
    const commands = await eventually('the printed commands', async () => {
      if (demo.child.exitCode !== null) throw new Error(`the demo exited:\n${demo.lines.join('\n')}`);
      if (!demo.lines.some((line) => line.includes('Ctrl-C stops the demo'))) return undefined;
      return demo.lines
        .map((line) => line.trim())
        .filter((line) => line.startsWith('curl ') || line.startsWith('npx node '));
    });

    // Every part of the quickstart is advertised: the echo routes, each model, the client, the admin API.
    const kinds = commands.map((command) => {
      const model = /"model":"([^"]+)"/.exec(command)?.[1];
      const path = new URL(/\s(http:\/\/\S+)/.exec(command)?.[1] ?? 'http://x/').pathname;
      return command.startsWith('npx node ') ? 'openai client' : `${path}${model ? ` ${model}` : ''}`;
    });
    assert.deepEqual(kinds, [
      '/chat',
      '/embed',
      '/v1/models',
      '/v1/chat/completions llama-3.1-8b',
      '/v1/chat/completions sql-lora',
      '/v1/embeddings bge-m3',
      'openai client',
      '/api/v1/objects',
      '/api/v1/changes',
      '/metrics',
    ]);

    for (const command of commands) {
      const run = await shell(command);
      assert.equal(run.code, 0, `${command} exits 0:\n${run.stderr}`);
      checkAnswer(command, run.stdout, port);
    }

    const dir = demo.lines
      .find((line) => line.startsWith('The manifests are in '))
      ?.split(' ')[4]
      ?.replace(/:$/, '');
    assert.ok(dir && existsSync(dir), 'the manifests directory is printed');
    assert.equal(await demo.stop(), 0);
    assert.equal(existsSync(dir), false, 'the demo removes its temporary manifests');
  } finally {
    await demo.stop();
  }
});
