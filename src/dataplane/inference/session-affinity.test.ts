// Session affinity through the data plane: a pool whose profile has the session-affinity scorer answers with
// the session's token (cookie and header, next to any cookie of the model server), and a client that sends
// it back is served by the same replica, whatever its prompt; without the scorer no token is sent.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setLogLevel } from '../../observability/log.ts';
import type { Replica } from '../../sim/replica.ts';
import { DataPlane } from '../dataplane.ts';
import { freePort, httpPort, postJson, prefixMatch, quietLog, type Reply } from '../testkit.ts';
import { applyWithPools, inferencePool, modelRoute, pickerConfig, startSim } from './testkit.ts';

const sessionConfig = pickerConfig(`plugins:
  - type: session-affinity-scorer
  - type: max-score-picker
schedulingProfiles:
  - name: default
    plugins:
      - pluginRef: session-affinity-scorer
        weight: 1
      - pluginRef: max-score-picker
`);

function chat(port: number, model: string, prompt: string, headers: Record<string, string> = {}) {
  return postJson(
    port,
    '/v1/chat/completions',
    { model, messages: [{ role: 'user', content: prompt }], max_tokens: 2 },
    headers,
  );
}

function served(reply: Reply): string {
  const endpoint = reply.headers['x-gateway-destination-endpoint-served'];
  assert.equal(typeof endpoint, 'string', `no served endpoint: ${reply.status} ${reply.body}`);
  return String(endpoint);
}

/** The `llm-d-session=…` pair of the reply's Set-Cookie headers. */
function sessionCookie(reply: Reply): string | undefined {
  return reply.headers['set-cookie']
    ?.map((cookie) => cookie.split(';')[0])
    .find((pair) => pair.startsWith('llm-d-session='));
}

describe('session affinity through the data plane', () => {
  const plane = new DataPlane({ log: quietLog });
  const replicas: Replica[] = [];
  let port: number;

  before(async () => {
    setLogLevel('error');
    for (let i = 0; i < 4; i++) replicas.push(await startSim('llama', `llama-${i}`));
    port = await freePort();
    const ports = replicas.map((replica) => replica.port);
    await applyWithPools(
      plane,
      [
        httpPort(port, [
          // The plain pool serves the same model to clients that say `x-pool: plain`.
          modelRoute('llama', 'pool/plain', {
            id: 'plain',
            match: prefixMatch('/v1', {
              headers: [
                { name: 'x-gateway-model-name', type: 'Exact', value: 'llama' },
                { name: 'x-pool', type: 'Exact', value: 'plain' },
              ],
            }),
          }),
          modelRoute('llama', 'pool/session'),
        ]),
      ],
      [
        inferencePool('pool/session', ports, { pickerConfig: sessionConfig }),
        inferencePool('pool/plain', ports),
      ],
    );
  });

  after(async () => {
    await plane.close();
    await Promise.all(replicas.map((replica) => replica.close()));
  });

  test('the first answer carries the session; requests that send it back stay on that replica', async () => {
    const first = await chat(port, 'llama', 'hello');
    assert.equal(first.status, 200, first.body);
    const cookie = sessionCookie(first);
    assert.ok(cookie, `no session cookie in ${JSON.stringify(first.headers['set-cookie'])}`);
    const token = first.headers['x-session-token'];
    assert.equal(cookie, `llm-d-session=${token}`);
    const home = served(first);
    for (let i = 0; i < 12; i++) {
      const byCookie = await chat(port, 'llama', `question ${i}`, { cookie });
      assert.equal(served(byCookie), home, 'the cookie brings the client back');
      const byHeader = await chat(port, 'llama', `another ${i}`, { 'x-session-token': String(token) });
      assert.equal(served(byHeader), home, 'the header brings the client back');
    }
  });

  test('without a session the picker breaks the tie at random, spreading requests over the replicas', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) seen.add(served(await chat(port, 'llama', `fresh ${i}`)));
    assert.ok(seen.size > 1, 'the test above would pass by chance if one replica took everything');
  });

  test('a pool whose profile has no session scorer sends no session', async () => {
    const reply = await chat(port, 'llama', 'hello', { 'x-pool': 'plain' });
    assert.equal(reply.status, 200, reply.body);
    assert.equal(reply.headers['x-session-token'], undefined);
    assert.equal(sessionCookie(reply), undefined);
  });
});
