// The leanest Node reverse proxy we know how to write (node:http in, undici Pool.dispatch out): the ceiling a
// single Node process reaches on this machine, so the benchmark can tell Node's cost from Sluice's own.
//
// Usage: node bench/proxy/bare-proxy.ts PORT UPSTREAM_ORIGIN   (prints "listening" once it accepts requests)

import http from 'node:http';
import { type Dispatcher, Pool } from 'undici';

const [portText, upstreamOrigin] = process.argv.slice(2);
const pool = new Pool(upstreamOrigin, { connections: 1024, pipelining: 1 });

/** Connection-specific headers (RFC 9110 §7.6.1) plus those undici refuses to send. */
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
]);

function requestHeaders(raw: readonly string[]): string[] {
  const headers: string[] = [];
  for (let i = 0; i < raw.length; i += 2)
    if (!hopByHop.has(raw[i].toLowerCase())) headers.push(raw[i], raw[i + 1]);
  return headers;
}

function responseHeaders(upstream: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  for (const name in upstream) if (!hopByHop.has(name)) headers[name] = upstream[name];
  return headers;
}

class PassThrough implements Dispatcher.DispatchHandler {
  readonly #res: http.ServerResponse;

  constructor(res: http.ServerResponse) {
    this.#res = res;
  }

  onRequestStart(): void {
    // Nothing to keep: the request is never aborted from this side.
  }

  onResponseStart(_: Dispatcher.DispatchController, status: number, headers: http.IncomingHttpHeaders): void {
    this.#res.writeHead(status, responseHeaders(headers));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.#res.write(chunk)) {
      controller.pause();
      this.#res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    this.#res.end();
  }

  onResponseError(_: Dispatcher.DispatchController | null, error: Error): void {
    if (this.#res.headersSent) this.#res.destroy(error);
    else this.#res.writeHead(502).end();
  }
}

const server = http.createServer((req, res) => {
  const hasBody =
    req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  pool.dispatch(
    {
      path: req.url ?? '/',
      method: req.method ?? 'GET',
      headers: requestHeaders(req.rawHeaders),
      body: hasBody ? req : null,
    },
    new PassThrough(res),
  );
});
server.listen(Number(portText), '127.0.0.1', () => process.stdout.write('listening\n'));
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.close();
});
