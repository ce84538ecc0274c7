// Upstream connection pools: one undici Pool per endpoint, protocol and TLS setting, kept across IRs
// while the endpoint stays, closed gracefully once no IR references it.

import { createHash } from 'node:crypto';
import { type Dispatcher, Pool } from 'undici';
import type { IRUpstreamProtocol, IRUpstreamTLS } from '../../ir/types.ts';
import type { UpstreamEndpoint } from './clusters.ts';
import { pinServerName, upstreamTlsConnect } from './upstream-tls.ts';

/** Upper bound of connections to one endpoint; beyond it requests queue in the pool. */
const maxConnectionsPerEndpoint = 1024;

/**
 * The safety net when a route sets no timeouts: an upstream that sends no headers, or no body data,
 * for this long fails the request. Route timeouts (IRTimeouts) are usually much shorter.
 */
export const upstreamIdleTimeoutMs = 300_000;

/** One endpoint as a cluster reaches it. */
export interface PoolTarget {
  protocol: IRUpstreamProtocol;
  address: string;
  port: number;
  /** TLS to the endpoint; absent: plaintext. */
  tls?: IRUpstreamTLS;
}

function endpointOrigin(address: string, port: number, secure = false): string {
  const scheme = secure ? 'https' : 'http';
  return address.includes(':') ? `${scheme}://[${address}]:${port}` : `${scheme}://${address}:${port}`;
}

export class PoolRegistry {
  readonly #pools = new Map<string, { pool: Pool; dispatcher: Dispatcher }>();

  /** The endpoint's dispatcher, its pool created on first use. */
  acquire(target: PoolTarget): UpstreamEndpoint {
    const origin = endpointOrigin(target.address, target.port, target.tls !== undefined);
    const key =
      target.tls === undefined
        ? `${target.protocol} ${origin}`
        : `${target.protocol} ${origin} ${tlsIdentity(target.tls)}`;
    let entry = this.#pools.get(key);
    if (entry === undefined) {
      entry = createPool(target.protocol, origin, target.tls);
      this.#pools.set(key, entry);
    }
    return { origin, dispatcher: entry.dispatcher };
  }

  /**
   * Closes every pool not in `inUse` (the pools of the IR now serving); requests already queued on a
   * closed pool still complete, so call this after the swap.
   */
  retain(inUse: ReadonlySet<Dispatcher>): void {
    for (const [key, { pool, dispatcher }] of this.#pools) {
      if (inUse.has(dispatcher)) continue;
      this.#pools.delete(key);
      pool.close().catch(() => pool.destroy().catch(() => {}));
    }
  }

  /** Lets queued requests finish for up to `graceMs`, then tears every connection down. */
  async close(graceMs: number): Promise<void> {
    const pools = [...this.#pools.values()].map((entry) => entry.pool);
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

/**
 * One pool: the shared options, the protocol's, and TLS to the endpoint when asked. A TLS pool is
 * reached through an interceptor that pins the policy's SNI name.
 */
function createPool(
  protocol: IRUpstreamProtocol,
  origin: string,
  tls: IRUpstreamTLS | undefined,
): { pool: Pool; dispatcher: Dispatcher } {
  const pool = new Pool(origin, {
    connections: maxConnectionsPerEndpoint,
    // One request per connection at a time: pipelining lets a slow response stall the ones behind it.
    pipelining: 1,
    headersTimeout: upstreamIdleTimeoutMs,
    bodyTimeout: upstreamIdleTimeoutMs,
    ...protocolOptions(protocol, tls !== undefined),
    ...(tls === undefined ? {} : { connect: upstreamTlsConnect(tls) }),
  });
  return { pool, dispatcher: tls === undefined ? pool : pool.compose(pinServerName(tls.serverName)) };
}

/**
 * h2c clusters speak HTTP/2 (prior knowledge in cleartext, ALPN over TLS); the others HTTP/1.1. undici
 * reads `useH2c` at the top level (its connector marks the socket h2), though its types moved it.
 */
function protocolOptions(
  protocol: IRUpstreamProtocol,
  secure: boolean,
): { allowH2?: boolean; useH2c?: boolean } {
  if (protocol === 'h2c') return secure ? { allowH2: true } : { useH2c: true };
  return secure ? { allowH2: false } : {};
}

/** Pools are shared only by clusters with identical TLS settings; one digest per IR object. */
const tlsIdentities = new WeakMap<IRUpstreamTLS, string>();

function tlsIdentity(tls: IRUpstreamTLS): string {
  let identity = tlsIdentities.get(tls);
  if (identity === undefined) {
    identity = createHash('sha256').update(JSON.stringify(tls)).digest('base64url');
    tlsIdentities.set(tls, identity);
  }
  return identity;
}
