// Test support for data plane suites: free ports, echo upstreams on 127.0.0.1, IR builders and a
// small node:http client. Used only by tests.

import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type {
  IR,
  IRBackend,
  IRCertificate,
  IRCluster,
  IRFilter,
  IRMatch,
  IRPort,
  IRRoute,
} from '../ir/types.ts';
import type { MatchInput } from './router/match.ts';

/** A logger for the data plane that drops everything: suites assert on what clients see, not on logs. */
export const quietLog = { debug() {}, info() {}, warn() {}, error() {} };

/** A port that was free a moment ago: an IRPort needs a concrete port, not 0. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = http.createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

export interface EchoUpstream {
  name: string;
  port: number;
  /** Requests seen, in arrival order. */
  seen: http.IncomingMessage[];
  server: http.Server;
  close(): Promise<void>;
}

/** What an echo upstream answers: who it is and what it received. */
export interface Echo {
  upstream: string;
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * Starts an upstream that answers every request with an `Echo` JSON body, unless `handler` answers
 * (it returns true when it did).
 */
export async function startEchoUpstream(
  name: string,
  handler?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean,
): Promise<EchoUpstream> {
  const seen: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req);
    if (handler?.(req, res)) return;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const echo: Echo = {
        upstream: name,
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': name });
      res.end(JSON.stringify(echo));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    name,
    port,
    seen,
    server,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

export function cluster(id: string, ...ports: number[]): IRCluster {
  return { id, protocol: 'http1', endpoints: ports.map((port) => ({ address: '127.0.0.1', port })) };
}

export function toCluster(clusterId: string, weight = 1, filters: IRFilter[] = []): IRBackend {
  return { weight, target: { kind: 'cluster', cluster: clusterId }, filters };
}

export function prefixMatch(prefix: string, extra: Partial<IRMatch> = {}): IRMatch {
  return { path: { type: 'PathPrefix', value: prefix }, headers: [], queryParams: [], ...extra };
}

export function route(id: string, fields: Partial<IRRoute> = {}): IRRoute {
  return { id, hostnames: [], match: prefixMatch('/'), filters: [], backends: [], ...fields };
}

/** An HTTP port on 127.0.0.1 with one hostname-less listener holding `routes`. */
export function httpPort(port: number, routes: IRRoute[]): IRPort {
  return {
    address: '127.0.0.1',
    port,
    protocol: 'HTTP',
    gateway: 'default/gw',
    listeners: [{ id: 'default/gw/http', hostname: null, routes }],
  };
}

export function ir(ports: IRPort[], clusters: IRCluster[] = []): IR {
  return { ports, clusters: Object.fromEntries(clusters.map((c) => [c.id, c])) };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface SendOptions {
  port: number;
  path?: string;
  method?: string;
  headers?: http.OutgoingHttpHeaders;
  body?: string;
  /** Address to connect to; 127.0.0.1 unless given. */
  address?: string;
  /** HTTPS: the SNI name, and the CA to trust. */
  tls?: { servername: string; ca: string };
  agent?: http.Agent | https.Agent | false;
}

/** Sends one request and reads the whole reply. */
export async function send(options: SendOptions): Promise<Reply> {
  const { port, path = '/', method = 'GET', headers = {}, body, tls, agent = false } = options;
  const requestOptions: https.RequestOptions = {
    host: options.address ?? '127.0.0.1',
    port,
    path,
    method,
    headers,
    agent,
  };
  const req = tls
    ? https.request({ ...requestOptions, servername: tls.servername, ca: tls.ca })
    : http.request(requestOptions);
  req.end(body);
  const [res] = (await once(req, 'response')) as [http.IncomingMessage];
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() };
}

/** Sends `body` as JSON with a POST to `path`, plus `headers`, and reads the whole reply. */
export function postJson(
  port: number,
  path: string,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {},
): Promise<Reply> {
  return send({
    port,
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export function parseEcho(reply: Reply): Echo {
  return JSON.parse(reply.body) as Echo;
}

/** A request as matching sees it: raw header lines, and a query string. */
export function matchInput(
  path: string,
  fields: { method?: string; headers?: [string, string][]; query?: string } = {},
): MatchInput {
  const headers = fields.headers ?? [];
  const query = new URLSearchParams(fields.query ?? '');
  return {
    method: fields.method ?? 'GET',
    path,
    header: (name) => {
      const values = headers.filter(([key]) => key.toLowerCase() === name).map(([, value]) => value);
      return values.length === 0 ? undefined : values.join(',');
    },
    queryParam: (name) => query.get(name) ?? undefined,
  };
}

const run = promisify(execFile);

/** A self-signed certificate for `names` (the first is the CN), made with openssl in `dir`. */
export async function makeCertificate(dir: string, file: string, names: string[]): Promise<IRCertificate> {
  const keyPath = join(dir, `${file}.key`);
  const certPath = join(dir, `${file}.crt`);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-subj',
    `/CN=${names[0]}`,
    '-addext',
    `subjectAltName=${names.map((name) => `DNS:${name}`).join(',')}`,
  ]);
  return { certPem: await readFile(certPath, 'utf8'), keyPem: await readFile(keyPath, 'utf8') };
}
