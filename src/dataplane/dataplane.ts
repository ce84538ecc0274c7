// The HTTP/HTTPS data plane: serves an IR on its sockets and swaps to a new IR atomically.

import type { Dispatcher } from 'undici';
import type { EndpointPicker } from '../inference/picker.ts';
import type { IR } from '../ir/types.ts';
import { log } from '../observability/log.ts';
import { compileClusters } from './forward/clusters.ts';
import { PoolRegistry } from './forward/pools.ts';
import { InferencePools } from './inference/pools.ts';
import { BoundSocket, defaultClientIdleTimeoutMs, socketKey } from './listeners/socket.ts';
import { SecureContextCache } from './listeners/tls.ts';
import { compilePort, type PortRuntime } from './runtime.ts';

export interface ApplyReport {
  failed: {
    address: string;
    port: number;
    gateway: string;
    message: string;
    /** The address is not on any interface of this machine (EADDRNOTAVAIL): no port can be bound on it. */
    addressUnusable?: boolean;
  }[];
}

/** How long closing sockets and pools wait for requests in flight before cutting them. */
const drainBudgetMs = 10_000;

export class DataPlane {
  readonly #log: typeof log;
  /** How long client connections may wait for their next request (0: for ever). */
  readonly #clientIdleTimeoutMs: number;
  readonly #sockets = new Map<string, BoundSocket>();
  /** Sockets taken out of service and still draining; `close()` waits for them. */
  readonly #draining = new Set<Promise<void>>();
  readonly #pools = new PoolRegistry();
  readonly #contexts = new SecureContextCache();
  /** One endpoint picker per InferencePool, kept across applies while the pool stays. */
  readonly #inferencePools: InferencePools;
  /** Applies run one after another, in call order. */
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: { log?: typeof log; clientIdleTimeoutMs?: number } = {}) {
    this.#log = options.log ?? log;
    this.#clientIdleTimeoutMs = options.clientIdleTimeoutMs ?? defaultClientIdleTimeoutMs;
    this.#inferencePools = new InferencePools(this.#log);
  }

  /** The endpoint picker serving an InferencePool (by IR pool id) now, if any. */
  picker(poolId: string): EndpointPicker | undefined {
    return this.#inferencePools.picker(poolId);
  }

  /**
   * Binds new sockets, closes removed ones, swaps routing tables atomically. Never throws for a socket
   * that cannot be bound: reports it instead and keeps serving the rest.
   */
  apply(ir: IR): Promise<ApplyReport> {
    const run = this.#queue.then(() => this.#apply(ir));
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Stops listening, lets in-flight requests finish (bounded), closes pools. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    for (const socket of this.#sockets.values()) this.#retire(socket);
    this.#sockets.clear();
    await Promise.all(this.#draining);
    await this.#inferencePools.close();
    await this.#pools.close(drainBudgetMs);
  }

  async #apply(ir: IR): Promise<ApplyReport> {
    if (this.#closed) throw new Error('the data plane is closed');
    const report: ApplyReport = { failed: [] };
    const inUse = new Set<Dispatcher>();
    const clusters = compileClusters(ir.clusters, this.#pools, inUse);
    const pools = this.#inferencePools.compile(ir.pools ?? {}, this.#pools, inUse);

    const wanted = new Map<string, PortRuntime>();
    for (const port of ir.ports) {
      const fail = (message: string) =>
        report.failed.push({ address: port.address, port: port.port, gateway: port.gateway, message });
      const key = socketKey(port.address, port.port);
      if (wanted.has(key)) {
        fail(`socket ${key} is listed twice in the IR; only the first is served`);
        continue;
      }
      const { runtime, problems } = compilePort(port, clusters, this.#contexts, pools);
      for (const problem of problems) fail(problem);
      if (runtime === null) fail(`socket ${key} has no usable TLS certificate and is not served`);
      else wanted.set(key, runtime);
    }
    this.#contexts.commit();

    // Sockets that go away, or change protocol or client certificate requests, are released first so
    // that their port can be rebound.
    for (const [key, socket] of this.#sockets) {
      const next = wanted.get(key);
      if (next !== undefined && socket.canServe(next)) continue;
      this.#sockets.delete(key);
      this.#retire(socket);
    }

    const binds: Promise<void>[] = [];
    for (const [key, runtime] of wanted) {
      const existing = this.#sockets.get(key);
      if (existing !== undefined) {
        existing.update(runtime);
        continue;
      }
      const socket = new BoundSocket(runtime, this.#log, this.#clientIdleTimeoutMs);
      binds.push(
        socket.listen().then(
          () => {
            this.#sockets.set(key, socket);
          },
          (error: unknown) => {
            const message = error instanceof Error ? error.message : String(error);
            const code = (error as NodeJS.ErrnoException | undefined)?.code;
            report.failed.push({
              address: runtime.address,
              port: runtime.port,
              gateway: runtime.gateway,
              message,
              ...(code === 'EADDRNOTAVAIL' ? { addressUnusable: true } : {}),
            });
          },
        ),
      );
    }
    await Promise.all(binds);

    this.#pools.retain(inUse);
    this.#inferencePools.commit();
    for (const failure of report.failed) this.#log.warn('data plane socket problem', failure);
    return report;
  }

  #retire(socket: BoundSocket): void {
    const draining = socket
      .close(drainBudgetMs)
      .catch((error: unknown) =>
        this.#log.warn('data plane socket did not close cleanly', { socket: socket.key, error }),
      )
      .finally(() => this.#draining.delete(draining));
    this.#draining.add(draining);
  }
}
