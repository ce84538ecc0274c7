// `npm start` (`sluice demo`): the curl commands it prints must work as printed.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import OpenAI from 'openai';
import { eventually, freePort, get, runCurl, SluiceChild } from './harness.ts';

test('the demo prints curl commands that reach its backends, and cleans up on Ctrl-C', async () => {
  const port = await freePort();
  const demo = new SluiceChild(['demo', '--port', String(port), '--admin-address', '127.0.0.1:0']);
  try {
    const commands = await eventually('the printed curl commands', async () => {
      if (demo.child.exitCode !== null) throw new Error(`the demo exited:\n${demo.lines.join('\n')}`);
      if (!demo.lines.some((line) => line.includes('Ctrl-C stops the demo'))) return undefined;
      return demo.lines.map((line) => line.trim()).filter((line) => line.startsWith('curl '));
    });

    const traffic = commands
      .map((command) => /^curl -H 'Host: ([^']+)' (http:\S+)$/.exec(command))
      .filter((match) => match !== null);
    assert.deepEqual(
      traffic.map(([, host, url]) => `${host} ${new URL(url).pathname}`),
      ['llm.example.com /chat', 'llm.example.com /embed'],
    );
    for (const [, host, url] of traffic) {
      assert.equal(new URL(url).port, String(port));
      const answer = await get(url, host);
      assert.equal(answer.status, 200, `${url} answers`);
      const echoed = JSON.parse(answer.body);
      assert.equal(echoed.pod, `${new URL(url).pathname.slice(1)}-0`, 'each path reaches its own backend');
    }

    // The model-serving part: the printed chat completion reaches a simulated vLLM server through the pool,
    // and the official OpenAI client gets the same through the gateway.
    const modelCommand = commands.find((command) => command.includes('/v1/chat/completions'));
    assert.ok(modelCommand, 'a chat completion command is printed');
    const completion = await runCurl(modelCommand);
    assert.equal(completion.status, 200, completion.body);
    assert.equal(JSON.parse(completion.body).object, 'chat.completion');
    const baseURL = /(http:\/\/\S+)\/chat\/completions/.exec(modelCommand)?.[1];
    const client = new OpenAI({ baseURL, apiKey: 'unused' });
    const stream = await client.chat.completions.create({
      model: 'llama-3.1-8b',
      messages: [{ role: 'user', content: 'Say hello' }],
      max_tokens: 8,
      stream: true,
    });
    let chunks = 0;
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) chunks++;
    assert.ok(chunks > 0, 'the stream carries content');

    const adminObjects = commands.find((command) => command.endsWith('/api/v1/objects'));
    assert.ok(adminObjects, 'the admin API is advertised');
    const objects = await get(adminObjects.slice('curl '.length));
    assert.equal(objects.status, 200);
    assert.match(objects.body, /"kind": "Gateway"/);

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
