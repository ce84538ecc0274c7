// Retry against a real flaky upstream: listed statuses, resets, refused connections and per-try timeouts
// are retried; other statuses, sent bytes and large bodies are not; the request timeout bounds it all.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { IRRoute } from '../../ir/types.ts';
import { DataPlane } from '../dataplane.ts';
import {
  cluster,
  type EchoUpstream,
  freePort,
  httpPort,
  ir,
  prefixMatch,
  quietLog,
  route,
  send,
  startEchoUpstream,
  toCluster,
} from '../testkit.ts';

/**
 * Like the conformance echo server's retry simulator: the first `fail` tries of a `uuid` fail — with
 * status `code`, by a TCP reset (`code=reset`), by hanging (`code=hang`), or by sending headers and
 * part of a body and then hanging (`code=stall`) — and later tries answer 200. Every answer is
 * `{"try": n, "bodyBytes": b}`.
 */
function flaky(tries: Map<string, number>) {
  return (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    const uuid = query.get('uuid') ?? '';
    const attempt = (tries.get(uuid) ?? 0) + 1;
    tries.set(uuid, attempt);
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
    });
    req.on('end', () => {
      const answer = (status: number) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ try: attempt, bodyBytes }));
      };
      if (attempt > Number(query.get('fail') ?? 0)) return answer(200);
      const code = query.get('code') ?? 'reset';
      if (code === 'reset') req.socket.resetAndDestroy();
      else if (code === 'stall') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
      } else if (code !== 'hang') answer(Number(code));
    });
    return true;
  };
}

describe('retry', () => {
  const plane = new DataPlane({ log: quietLog });
  const tries = new Map<string, number>();
  let upstream: EchoUpstream;
  let port: number;

  function retried(id: string, prefix: string, fields: Partial<IRRoute>, target = 'flaky'): IRRoute {
    return route(id, { match: prefixMatch(prefix), backends: [toCluster(target)], ...fields });
  }

  /** Sends to `path` with a fresh uuid; returns the reply and how many tries the upstream saw. */
  async function call(path: string, query: string, fields: { method?: string; body?: string } = {}) {
    const uuid = randomUUID();
    const reply = await send({ port, path: `${path}?uuid=${uuid}&${query}`, ...fields });
    return { reply, tries: tries.get(uuid) ?? 0 };
  }

  before(async () => {
    upstream = await startEchoUpstream('flaky', flaky(tries));
    const refused = await freePort();
    port = await freePort();
    const report = await plane.apply(
      ir(
        [
          httpPort(port, [
            retried('code-500', '/code-500', { retry: { codes: [500], attempts: 3, backoffMs: 0 } }),
            retried('code-all', '/code-all', {
              retry: { codes: [500, 502, 503, 504], attempts: 2, backoffMs: 1 },
            }),
            retried('connection', '/connection', { retry: { codes: [], attempts: 3, backoffMs: 0 } }),
            retried(
              'refused-first',
              '/refused-first',
              { retry: { codes: [], attempts: 1, backoffMs: 0 } },
              'mixed',
            ),
            retried(
              'refused-only',
              '/refused-only',
              { retry: { codes: [], attempts: 2, backoffMs: 0 } },
              'refused',
            ),
            retried('per-try', '/per-try', {
              retry: { codes: [], attempts: 2, backoffMs: 0 },
              timeouts: { backendRequestMs: 100 },
            }),
            retried('budget', '/budget', {
              retry: { codes: [500], attempts: 5, backoffMs: 100 },
              timeouts: { requestMs: 150 },
            }),
            retried('plain', '/plain', {}),
          ]),
        ],
        [
          cluster('flaky', upstream.port),
          cluster('mixed', refused, upstream.port),
          cluster('refused', refused),
        ],
      ),
    );
    assert.deepEqual(report.failed, []);
  });

  after(async () => {
    await plane.close();
    await upstream.close();
  });

  test('a listed status is retried until a try succeeds', async () => {
    const { reply, tries: seen } = await call('/code-500', 'fail=2&code=500');
    assert.equal(reply.status, 200);
    assert.equal(seen, 3);
  });

  test('when every try fails, the last answer goes to the client as it is', async () => {
    const { reply, tries: seen } = await call('/code-500', 'fail=4&code=500');
    assert.equal(reply.status, 500);
    assert.deepEqual(JSON.parse(reply.body), { try: 4, bodyBytes: 0 });
    assert.equal(seen, 4);
    for (const code of [502, 503, 504]) {
      const exhausted = await call('/code-all', `fail=3&code=${code}`);
      assert.equal(exhausted.reply.status, code);
      assert.equal(exhausted.tries, 3);
      assert.equal((await call('/code-all', `fail=1&code=${code}`)).reply.status, 200);
    }
  });

  test('a status that is not listed is not retried', async () => {
    const { reply, tries: seen } = await call('/code-500', 'fail=2&code=503');
    assert.equal(reply.status, 503);
    assert.equal(seen, 1);
  });

  test('a route without retry tries once', async () => {
    const { reply, tries: seen } = await call('/plain', 'fail=1&code=500');
    assert.equal(reply.status, 500);
    assert.equal(seen, 1);
  });

  test('a connection reset before the response is retried; exhausted, it answers 503', async () => {
    const ok = await call('/connection', 'fail=2');
    assert.equal(ok.reply.status, 200);
    assert.equal(ok.tries, 3);
    const exhausted = await call('/connection', 'fail=4');
    assert.equal(exhausted.reply.status, 503);
    assert.equal(JSON.parse(exhausted.reply.body).error.code, 'upstream_retries_exhausted');
    assert.equal(exhausted.tries, 4);
  });

  test('a refused connection is retried on the next endpoint', async () => {
    const { reply, tries: seen } = await call('/refused-first', '');
    assert.equal(reply.status, 200);
    assert.equal(seen, 1);
    const refused = await call('/refused-only', '');
    assert.equal(refused.reply.status, 503);
    assert.match(JSON.parse(refused.reply.body).error.message, /3 tries.*ECONNREFUSED/);
  });

  test('a try that exceeds backendRequestMs is retried; the last one answers 504', async () => {
    const ok = await call('/per-try', 'fail=2&code=hang');
    assert.equal(ok.reply.status, 200);
    assert.equal(ok.tries, 3);
    const late = await call('/per-try', 'fail=3&code=hang');
    assert.equal(late.reply.status, 504);
    assert.equal(JSON.parse(late.reply.body).error.code, 'upstream_timeout');
  });

  test('the request timeout bounds all tries and the waits between them', async () => {
    const { reply, tries: seen } = await call('/budget', 'fail=6&code=500');
    assert.equal(reply.status, 504);
    assert.equal(JSON.parse(reply.body).error.code, 'request_timeout');
    assert.ok(seen < 6, `${seen} tries`);
  });

  test('once response bytes reached the client, a failing try is not retried', async () => {
    const uuid = randomUUID();
    await assert.rejects(send({ port, path: `/per-try?uuid=${uuid}&fail=1&code=stall` }));
    // A retry, had one been sent, would reach the upstream before this later request does.
    assert.equal((await call('/plain', '')).reply.status, 200);
    assert.equal(tries.get(uuid), 1);
  });

  test('a small request body is replayed on every try', async () => {
    const { reply, tries: seen } = await call('/code-500', 'fail=1&code=500', {
      method: 'POST',
      body: 'hello',
    });
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body), { try: 2, bodyBytes: 5 });
    assert.equal(seen, 2);
  });

  test('a body larger than the replay buffer streams through once and is not retried', async () => {
    const uuid = randomUUID();
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: `/code-500?uuid=${uuid}&fail=1&code=500`,
      method: 'POST',
      agent: false,
    });
    // Chunked: the gateway learns the size only by reading past its buffer.
    for (let i = 0; i < 3; i++) req.write(Buffer.alloc(40 * 1024, 'b'));
    req.end();
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    assert.equal(res.statusCode, 500);
    assert.deepEqual(JSON.parse(Buffer.concat(chunks).toString()), { try: 1, bodyBytes: 120 * 1024 });
    assert.equal(tries.get(uuid), 1);
  });
});
