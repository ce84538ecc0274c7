// Tests for the echo backend: the echo-basic JSON contract, its helper endpoints, the h2c port and the
// WebSocket echo.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type ClientRequest, type IncomingMessage, request } from 'node:http';
import { connect } from 'node:http2';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { canonicalHeaderName, type EchoServer, parseGoDuration, startEchoServer } from './echo.ts';

interface Reply {
  status: number;
  headers: Record<string, string[]>;
  body: string;
}

let echo: EchoServer;

before(async () => {
  echo = await startEchoServer({
    host: '127.0.0.1',
    port: 0,
    h2cPort: 0,
    pod: 'infra-backend-v1-7d9c5b8f6-abcde',
    namespace: 'gateway-conformance-infra',
  });
});

after(() => echo.close());

/** One request on a fresh connection; `headers` is a raw list so a name can repeat. */
function send(path: string, headers: [string, string][] = [], port = echo.port): Promise<Reply> {
  const withHost = headers.some(([name]) => name.toLowerCase() === 'host')
    ? headers
    : [['Host', `${echo.address}:${port}`], ...headers];
  return new Promise((resolve, reject) => {
    const req = request({
      host: echo.address,
      port,
      path,
      agent: false,
      headers: withHost.flat(),
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const replyHeaders: Record<string, string[]> = {};
        for (const [name, values] of Object.entries(res.headersDistinct)) replyHeaders[name] = values ?? [];
        resolve({
          status: res.statusCode ?? 0,
          headers: replyHeaders,
          body: Buffer.concat(chunks).toString(),
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

test('echoes the request URI, Host with port, method, protocol and context', async () => {
  const reply = await send('/v2/example?x=1&y=%2F', [['Host', 'example.com:8080']]);
  assert.equal(reply.status, 200);
  assert.deepEqual(reply.headers['content-type'], ['application/json']);
  const echoed = JSON.parse(reply.body);
  assert.deepEqual(Object.keys(echoed), [
    'path',
    'host',
    'method',
    'proto',
    'headers',
    'httpPort',
    'namespace',
    'ingress',
    'service',
    'pod',
  ]);
  assert.equal(echoed.path, '/v2/example?x=1&y=%2F');
  assert.equal(echoed.host, 'example.com:8080');
  assert.equal(echoed.method, 'GET');
  assert.equal(echoed.proto, 'HTTP/1.1');
  assert.equal(echoed.httpPort, String(echo.port));
  assert.equal(echoed.namespace, 'gateway-conformance-infra');
  assert.equal(echoed.pod, 'infra-backend-v1-7d9c5b8f6-abcde');
  assert.equal(echoed.ingress, '');
  assert.equal(echoed.service, '');
});

test('reports headers under canonical names, one entry per header line, without Host', async () => {
  const reply = await send('/', [
    ['x-mixedCASE-header', 'one'],
    ['X-Repeated', 'a'],
    ['x-repeated', 'b'],
  ]);
  const { headers } = JSON.parse(reply.body);
  assert.deepEqual(headers['X-Mixedcase-Header'], ['one']);
  assert.deepEqual(headers['X-Repeated'], ['a', 'b']);
  assert.equal(headers.Host, undefined);
});

test('keeps the raw request URI even when the path has doubled slashes', async () => {
  const reply = await send('//double//slash');
  assert.equal(JSON.parse(reply.body).path, '//double//slash');
});

test('logs every echoed request URI', async () => {
  await send('/logged?id=42');
  assert.ok(echo.requests.includes('/logged?id=42'));
});

test('X-Echo-Set-Header plants response headers and joins repeated names with a comma', async () => {
  const reply = await send('/', [['X-Echo-Set-Header', 'X-Planted: one,X-Other:two, X-Planted:three']]);
  assert.deepEqual(reply.headers['x-planted'], ['one,three']);
  assert.deepEqual(reply.headers['x-other'], ['two']);
});

test('an empty X-Echo-Set-Header sets nothing', async () => {
  const reply = await send('/', [['X-Echo-Set-Header', '']]);
  assert.equal(reply.status, 200);
  assert.deepEqual(JSON.parse(reply.body).headers['X-Echo-Set-Header'], ['']);
});

test('?delay= accepts Go durations and rejects anything else with 500', async () => {
  assert.equal((await send('/?delay=10ms')).status, 200);
  const invalid = await send('/?delay=soon');
  assert.equal(invalid.status, 500);
  assert.match(JSON.parse(invalid.body).message, /invalid duration/);
});

test('parseGoDuration follows time.ParseDuration', () => {
  assert.equal(parseGoDuration('1s'), 1000);
  assert.equal(parseGoDuration('500ms'), 500);
  assert.equal(parseGoDuration('1h30m'), 5_400_000);
  assert.equal(parseGoDuration('1.5s'), 1500);
  assert.equal(parseGoDuration('300us'), 0.3);
  assert.equal(parseGoDuration('-2m'), -120_000);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('10'), undefined);
  assert.equal(parseGoDuration('1d'), undefined);
  assert.equal(parseGoDuration(''), undefined);
});

test('canonicalHeaderName matches Go', () => {
  assert.equal(canonicalHeaderName('x-header-set'), 'X-Header-Set');
  assert.equal(canonicalHeaderName('X-UPPERCASE-ADD'), 'X-Uppercase-Add');
  assert.equal(canonicalHeaderName('content-type'), 'Content-Type');
});

test('/status/NNN answers that status, and 400 when the URI is not exactly /status/NNN', async () => {
  assert.equal((await send('/status/418')).status, 418);
  assert.equal((await send('/status/503')).status, 503);
  assert.equal((await send('/status/5031')).status, 400);
  assert.equal((await send('/status/418?x=1')).status, 400);
});

test('/health answers OK', async () => {
  const reply = await send('/health');
  assert.equal(reply.status, 200);
  assert.equal(reply.body, 'OK');
});

test('/retry/ fails with responseCode until succeedAfter attempts were made, then echoes', async () => {
  const path = '/retry/x?uuid=code-1&succeedAfter=2&responseCode=503';
  assert.equal((await send(path)).status, 503);
  assert.equal((await send(path)).status, 503);
  const success = await send(path);
  assert.equal(success.status, 200);
  assert.equal(JSON.parse(success.body).path, path);
});

test('/retry/ resets the connection when no responseCode is given', async () => {
  const path = '/retry/x?uuid=reset-1&succeedAfter=1';
  await assert.rejects(send(path), /ECONNRESET|socket hang up/);
  assert.equal((await send(path)).status, 200);
});

test('/retry/ requires uuid and succeedAfter', async () => {
  assert.equal((await send('/retry/x?succeedAfter=1')).status, 400);
  assert.equal((await send('/retry/x?uuid=u')).status, 400);
});

/** One HTTP/2 request with prior knowledge on the h2c port. */
async function sendH2c(path: string, headers: Record<string, string> = {}): Promise<Reply> {
  const session = connect(`http://${echo.address}:${echo.h2cPort}`);
  try {
    const stream = session.request({ ':path': path, ':authority': 'h2c.example:8081', ...headers });
    const [responseHeaders] = (await once(stream, 'response')) as [Record<string, string | string[]>];
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const replyHeaders: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(responseHeaders)) {
      replyHeaders[name] = Array.isArray(value) ? value : [String(value)];
    }
    return {
      status: Number(responseHeaders[':status']),
      headers: replyHeaders,
      body: Buffer.concat(chunks).toString(),
    };
  } finally {
    session.close();
  }
}

test('the h2c port echoes HTTP/2 with prior knowledge, Host from :authority, httpPort the HTTP port', async () => {
  const reply = await sendH2c('/h2c?x=1', { 'x-custom': 'one', 'x-echo-set-header': 'X-Planted:yes' });
  assert.equal(reply.status, 200);
  assert.deepEqual(reply.headers['x-planted'], ['yes']);
  const echoed = JSON.parse(reply.body);
  assert.equal(echoed.path, '/h2c?x=1');
  assert.equal(echoed.host, 'h2c.example:8081');
  assert.equal(echoed.proto, 'HTTP/2.0');
  assert.equal(echoed.httpPort, String(echo.port));
  assert.deepEqual(echoed.headers['X-Custom'], ['one']);
  assert.ok(!Object.keys(echoed.headers).some((name) => name.startsWith(':')));
  assert.ok(echo.requests.includes('/h2c?x=1'));
});

test('the h2c port answers ?delay= like the HTTP port', async () => {
  assert.equal((await sendH2c('/?delay=soon')).status, 500);
});

test('the h2c port refuses HTTP/1.1 unless it asks for the h2c upgrade', async () => {
  const refused = await send('/plain', [], echo.h2cPort);
  assert.equal(refused.status, 400);
  assert.equal(refused.body, 'Expected h2c request');
  const upgrade = await send('/upgrade', [['Upgrade', 'h2c']], echo.h2cPort);
  assert.equal(upgrade.status, 200);
  assert.equal(JSON.parse(upgrade.body).proto, 'HTTP/1.1');
});

test('no h2c port is opened unless asked for', async () => {
  const plain = await startEchoServer({ host: '127.0.0.1', port: 0, pod: 'p', namespace: 'n' });
  try {
    assert.equal(plain.h2cPort, undefined);
  } finally {
    await plain.close();
  }
});

test('/ws echoes text and binary WebSocket messages', async () => {
  const socket = new WebSocket(`ws://${echo.address}:${echo.port}/ws`, { origin: 'ws://gateway/test' });
  try {
    await once(socket, 'open');
    socket.send('Websocket Support!');
    const [text, textIsBinary] = await once(socket, 'message');
    assert.equal(String(text), 'Websocket Support!');
    assert.equal(textIsBinary, false);
    socket.send(Buffer.from([1, 2, 3, 4, 5, 6, 7]));
    const [binary, binaryIsBinary] = await once(socket, 'message');
    assert.deepEqual([...(binary as Buffer)], [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(binaryIsBinary, true);
  } finally {
    socket.close();
  }
});

test('/ws refuses a handshake without an Origin, and a plain request, like echo-basic', async () => {
  const socket = new WebSocket(`ws://${echo.address}:${echo.port}/ws`);
  const [handshake, response] = (await once(socket, 'unexpected-response')) as [
    ClientRequest,
    IncomingMessage,
  ];
  assert.equal(response.statusCode, 403);
  handshake.destroy();
  assert.equal((await send('/ws')).status, 400);
});

test('an h2c upgrade request on the HTTP port is echoed, not upgraded', async () => {
  const reply = await send('/not-upgraded', [
    ['Connection', 'Upgrade'],
    ['Upgrade', 'h2c'],
  ]);
  assert.equal(reply.status, 200);
  assert.equal(JSON.parse(reply.body).path, '/not-upgraded');
});
