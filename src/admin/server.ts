// The admin HTTP server: one table of read-only endpoints over the running gateway's state.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChangeLog } from '../store/changelog.ts';
import type { SnapshotEntry } from '../store/snapshot.ts';
import { changeRoutes } from './changes.ts';
import type { AppliedConfig } from './config.ts';
import { configRoutes } from './config.ts';
import { healthRoutes } from './health.ts';
import { metricsRoutes } from './metrics.ts';
import { objectRoutes } from './objects.ts';
import { problemRoutes } from './problems.ts';
import type { AdminResponse, AdminRoutes } from './respond.ts';
import { errorResponse } from './respond.ts';

/** What the admin API reads; the serve loop provides it. Every function answers the current state. */
export interface AdminSources {
  /** True once the first configuration has been applied. */
  isReady(): boolean;
  /** Every stored object with its source. */
  entries(): readonly SnapshotEntry[];
  /** The written status of `kind/namespace/name`. */
  status(key: string): Record<string, unknown> | undefined;
  /** Current configuration problems, as the provider reports them. */
  problems(): readonly unknown[];
  changes: ChangeLog;
  /** The snapshot version and IR last applied. */
  applied(): AppliedConfig | undefined;
}

export interface AdminServer {
  address: string;
  port: number;
  close(): Promise<void>;
}

export function adminRoutes(sources: AdminSources): AdminRoutes {
  return {
    ...healthRoutes(sources.isReady),
    ...metricsRoutes({
      version: () => sources.applied()?.version ?? 0,
      problems: () => sources.problems().length,
    }),
    ...objectRoutes(sources),
    ...problemRoutes(sources.problems),
    ...changeRoutes(sources.changes),
    ...configRoutes(sources.applied),
  };
}

async function answer(routes: AdminRoutes, method: string, rawUrl: string): Promise<AdminResponse> {
  // Origin-form targets are joined, not resolved, so `//x` stays a path instead of becoming a host.
  const url = URL.parse(rawUrl.startsWith('/') ? `http://admin${rawUrl}` : rawUrl);
  if (!url) return errorResponse('bad_request', { reason: 'the request target is not a valid URL' });
  if (method !== 'GET' && method !== 'HEAD') return errorResponse('admin_method_not_allowed', { method });
  const handler = Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
  if (!handler) return errorResponse('admin_not_found', { path: url.pathname });
  try {
    return await handler(url);
  } catch (error) {
    return errorResponse('admin_internal_error', { path: url.pathname, reason: String(error) });
  }
}

/** Listens on `host:port` (port 0 picks a free one); resolves once bound, rejects if binding fails. */
export async function startAdminServer(
  host: string,
  port: number,
  sources: AdminSources,
): Promise<AdminServer> {
  const routes = adminRoutes(sources);
  const server = createServer((req, res) => {
    answer(routes, req.method ?? 'GET', req.url ?? '/').then((response) => {
      res.writeHead(response.status, {
        'content-type': response.contentType,
        'content-length': Buffer.byteLength(response.body),
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : response.body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  return {
    address: bound.address,
    port: bound.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive connections would hold close() open; the admin API has nothing in flight worth waiting for.
        server.closeAllConnections();
      }),
  };
}
