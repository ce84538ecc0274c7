// Upstream connection pools: one undici Pool per endpoint origin and protocol, kept across IRs while
// the endpoint stays, closed gracefully once no IR references it.

import { type Dispatcher, Pool } from 'undici';
import type { IRUpstreamProtocol } from '../../ir/types.ts';

/** Upper bound of connections to one endpoint; beyond it requests queue in the pool. */
const maxConnectionsPerEndpoint = 1024;

/**
 * The safety net when a route sets no timeouts: an upstream that sends no headers, or no body data,
 * for this long fails the request. Route timeouts (IRTimeouts) are usually much shorter.
 */
export const upstreamIdleTimeoutMs = 300_000;

export function endpointOrigin(address: string, port: number): string {
  return address.includes(':') ? `http://[${address}]:${port}` : `http://${address}:${port}`;
}

export class PoolRegistry {
  readonly #pools = new Map<string, Pool>();

  /** The pool for an endpoint, created on first use. */
  acquire(protocol: IRUpstreamProtocol, origin: string): Pool {
    const key = `${protocol} ${origin}`;
    let pool = this.#pools.get(key);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: maxConnectionsPerEndpoint,
        // One request per connection at a time: pipelining lets a slow response stall the ones behind it.
        pipelining: 1,
        headersTimeout: upstreamIdleTimeoutMs,
        bodyTimeout: upstreamIdleTimeoutMs,
        ...(protocol === 'h2c' ? { useH2c: true } : {}),
      });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  /**
   * Closes every pool not in `inUse` (the pools of the IR now serving); requests already queued on a
   * closed pool still complete, so call this after the swap.
   */
  retain(inUse: ReadonlySet<Dispatcher>): void {
    for (const [key, pool] of this.#pools) {
      if (inUse.has(pool)) continue;
      this.#pools.delete(key);
      pool.close().catch(() => pool.destroy().catch(() => {}));
    }
  }

  /** Lets queued requests finish for up to `graceMs`, then tears every connection down. */
  async close(graceMs: number): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(
      pools.map(async (pool) => {
        let timer: NodeJS.Timeout | undefined;
        const expired = new Promise<'expired'>((resolve) => {
          timer = setTimeout(resolve, graceMs, 'expired');
        });
        const outcome = await Promise.race([pool.close().then(() => 'closed' as const), expired]).catch(
          () => 'expired' as const,
        );
        clearTimeout(timer);
        if (outcome === 'expired') await pool.destroy().catch(() => {});
      }),
    );
  }
}
