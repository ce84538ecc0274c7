// End-to-end helpers: a `sluice` child process, its logs, a scratch config directory and HTTP calls
// through the gateway and the admin API.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';

export const repositoryRoot = join(import.meta.dirname, '..', '..');

/** How long a wait for the gateway to reach some state may take before the test fails. */
const deadlineMs = 20_000;

/** Polls `check` until it returns a value other than undefined. Not a timing assertion: a bounded wait. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** A 127.0.0.1 port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** `node src/cli/main.ts <args>` with its output split into lines (JSON log lines parsed). */
export class SluiceChild {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [join(repositoryRoot, 'src', 'cli', 'main.ts'), ...args], {
      cwd: repositoryRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SLUICE_LOG_LEVEL: 'info' },
    });
    this.exited = once(this.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        this.lines.push(...parts);
      });
    }
  }

  /** Log lines that are JSON objects. */
  logs(): LogLine[] {
    return this.lines.flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
  }

  /** Waits for a log line with message `msg` matching `fields`. */
  waitForLog(msg: string, fields: Record<string, unknown> = {}): Promise<LogLine> {
    return eventually(`log line "${msg}"`, async () => {
      if (this.child.exitCode !== null) throw new Error(`sluice exited early:\n${this.lines.join('\n')}`);
      return this.logs().find(
        (line) => line.msg === msg && Object.entries(fields).every(([key, value]) => line[key] === value),
      );
    });
  }

  /** SIGTERM, then the exit code (a graceful stop exits 0). */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const [code] = await this.exited;
    return code;
  }
}

/** A scratch directory of manifests. */
export class ConfigDir {
  readonly path: string;

  private constructor(path: string) {
    this.path = path;
  }

  static async create(): Promise<ConfigDir> {
    return new ConfigDir(await mkdtemp(join(tmpdir(), 'sluice-e2e-')));
  }

  file(name: string): string {
    return join(this.path, name);
  }

  write(name: string, text: string): Promise<void> {
    return writeFile(this.file(name), text);
  }

  remove(): Promise<void> {
    return rm(this.path, { recursive: true, force: true });
  }
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** GET through the gateway (or any HTTP server) with an explicit Host header. */
export async function get(url: string, host?: string): Promise<HttpAnswer> {
  const response = await request(url, { headers: host ? { host } : {} });
  return { status: response.statusCode, body: await response.body.text() };
}

export async function getJson(url: string): Promise<Record<string, unknown>> {
  const answer = await get(url);
  if (answer.status !== 200) throw new Error(`GET ${url} answered ${answer.status}: ${answer.body}`);
  return JSON.parse(answer.body) as Record<string, unknown>;
}

/**
 * Runs one curl command as the demo prints it: `curl [-H 'Name: value']... URL [-d 'BODY']` (GET, or POST with
 * the body). Returns the status and body.
 */
export async function runCurl(command: string): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  for (const [, name, value] of command.matchAll(/-H '([^:]+): ([^']*)'/g))
    headers[name.toLowerCase()] = value;
  const url = /\s(https?:\/\/\S+)/.exec(command)?.[1];
  if (!url) throw new Error(`no URL in ${command}`);
  const body = /-d '([^']*)'/.exec(command)?.[1];
  const response = await request(url, { method: body === undefined ? 'GET' : 'POST', headers, body });
  return { status: response.statusCode, body: await response.body.text() };
}

/** Sluice's GatewayClass and a Gateway `name` on 127.0.0.1 with one plain HTTP listener on `port`. */
export function gatewayManifests(name: string, port: number): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: sluice
spec:
  controllerName: sluice.dev/gateway-controller
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: ${name}
spec:
  gatewayClassName: sluice
  addresses:
    - type: IPAddress
      value: 127.0.0.1
  listeners:
    - name: http
      protocol: HTTP
      port: ${port}
`;
}
