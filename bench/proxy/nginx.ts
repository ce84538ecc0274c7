// nginx for the proxy benchmark: the fixed-body upstream and the reverse proxy Sluice is compared with.

import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchProcess, childPids } from '../../src/bench/processes.ts';
import type { RequestCase } from './workload.ts';

const workerWaitMs = 5_000;

export interface NginxOptions {
  nginxPath: string;
  /** A fresh folder that becomes nginx's prefix (config, pid, error log, temp files). */
  prefix: string;
  cpus?: string;
}

/** An nginx that answers each request case with its fixed body from memory. */
export function upstreamConfig(port: number, prefix: string, cases: readonly RequestCase[]): string {
  const locations = cases.map(
    (requestCase) => `    location = ${requestCase.path} { return 200 '${requestCase.responseBody}'; }`,
  );
  return mainConfig(prefix, [
    '  server {',
    `    listen 127.0.0.1:${port};`,
    ...locations,
    '    location / { return 404; }',
    '  }',
  ]);
}

/** nginx as a reverse proxy the way it is usually tuned: a keep-alive pool of HTTP/1.1 upstream connections. */
export function proxyConfig(port: number, upstreamPort: number, prefix: string): string {
  return mainConfig(prefix, [
    '  upstream bench_upstream {',
    `    server 127.0.0.1:${upstreamPort};`,
    '    keepalive 64;',
    '    keepalive_requests 1000000;',
    '    keepalive_timeout 300s;',
    '  }',
    '  server {',
    `    listen 127.0.0.1:${port};`,
    '    location / {',
    '      proxy_pass http://bench_upstream;',
    '      proxy_http_version 1.1;',
    '      proxy_set_header Connection "";',
    '    }',
    '  }',
  ]);
}

function mainConfig(prefix: string, httpBody: string[]): string {
  return [
    'daemon off;',
    'worker_processes 1;',
    `pid ${join(prefix, 'nginx.pid')};`,
    `error_log ${join(prefix, 'error.log')} warn;`,
    'events { worker_connections 4096; }',
    'http {',
    '  access_log off;',
    '  default_type application/json;',
    // The defaults (1000 requests per connection) would make wrk and the proxies reconnect mid-run.
    '  keepalive_requests 1000000;',
    '  keepalive_timeout 300s;',
    `  client_body_temp_path ${join(prefix, 'body')};`,
    `  proxy_temp_path ${join(prefix, 'proxy')};`,
    ...httpBody,
    '}',
    '',
  ].join('\n');
}

/** Writes `config` into the prefix, starts nginx in the foreground, and returns once its one worker runs. */
export async function startNginx(name: string, config: string, options: NginxOptions): Promise<BenchProcess> {
  await mkdir(options.prefix, { recursive: true });
  // When run as root, the worker drops to an unprivileged user that must still reach the temp folders.
  await chmod(options.prefix, 0o755);
  const configPath = join(options.prefix, 'nginx.conf');
  await writeFile(configPath, config);
  const args = ['-p', options.prefix, '-c', configPath, '-e', join(options.prefix, 'error.log')];
  const master = await BenchProcess.start(name, options.nginxPath, args, {
    cpus: options.cpus,
    logFile: join(options.prefix, 'stdout.log'),
  });
  const deadline = Date.now() + workerWaitMs;
  while (Date.now() < deadline) {
    if (!master.alive) throw new Error(`${name} exited at start:\n${master.logTail()}`);
    const workers = childPids(master.pid);
    if (workers.length > 0) {
      for (const worker of workers) master.addRelatedPid(worker);
      return master;
    }
    await sleep(50);
  }
  await master.stop();
  throw new Error(`${name} started no worker within ${workerWaitMs} ms`);
}
