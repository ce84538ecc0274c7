// Leader election over a coordination.k8s.io/v1 Lease, the way client-go does it: the holder renews the
// lease; others take it once it has gone unrenewed for its duration, measured on their own clock from
// when they last saw it change, so clock skew between replicas does not matter. A leader that stops
// releases the lease so the next one takes over at its next try.

import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { log } from '../../observability/log.ts';
import { isPlainObject } from '../../resources/check.ts';
import { KubeApiError, type KubeClient } from './client.ts';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  /** This replica's name in `spec.holderIdentity`. */
  identity: string;
  leaseDurationSeconds: number;
  /** Called when this replica becomes or stops being the leader. */
  onLeading(leading: boolean): void;
}

/** Lease times are MicroTime: RFC 3339 with exactly six fractional digits. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function isAbsent(error: unknown): boolean {
  return error instanceof KubeApiError && error.httpStatus === 404;
}

function isConflict(error: unknown): boolean {
  return error instanceof KubeApiError && error.httpStatus === 409;
}

type LeaseSpec = Record<string, unknown>;

export class LeaderElector {
  readonly #client: KubeClient;
  readonly #options: LeaderElectionOptions;
  readonly #stop = new AbortController();
  readonly #path: string;
  /** How often to try to acquire or renew. */
  readonly #retryMs: number;
  /** A leader that cannot renew for this long steps down, before anyone else may take the lease. */
  readonly #renewDeadlineMs: number;
  #leading = false;
  #lastRenewed = 0;
  /** The lease spec last seen and when (on this clock) it was seen to change. */
  #observed: { spec: LeaseSpec; at: number } | undefined;
  #running: Promise<void> | undefined;

  constructor(client: KubeClient, options: LeaderElectionOptions) {
    this.#client = client;
    this.#options = options;
    const { namespace, name, leaseDurationSeconds } = options;
    this.#path = `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/${encodeURIComponent(name)}`;
    this.#retryMs = Math.max(100, (leaseDurationSeconds * 1000) / 5);
    this.#renewDeadlineMs = (leaseDurationSeconds * 1000 * 2) / 3;
  }

  start(): void {
    this.#running ??= this.#run();
  }

  /** Stops trying; a leader releases the lease first. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
    if (this.#leading) {
      await this.#release().catch((error: unknown) =>
        log.warn('cannot release the leader lease; another replica takes over when it expires', {
          error: error instanceof Error ? error.message : String(error),
        }),
      );
      this.#setLeading(false);
    }
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      try {
        await this.#tryAcquireOrRenew();
      } catch (error) {
        if (!isConflict(error)) {
          log.warn('leader election: cannot read or write the lease', {
            lease: `${this.#options.namespace}/${this.#options.name}`,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      if (this.#leading && Date.now() - this.#lastRenewed > this.#renewDeadlineMs) {
        log.warn('leader election: lease not renewed in time; no longer the leader');
        this.#setLeading(false);
      }
      await sleep(this.#retryMs, undefined, { signal }).catch(() => {});
    }
  }

  async #tryAcquireOrRenew(): Promise<void> {
    const now = new Date();
    const { identity, leaseDurationSeconds } = this.#options;
    let lease: Record<string, unknown>;
    try {
      lease = await this.#client.json('GET', this.#path);
    } catch (error) {
      if (!isAbsent(error)) throw error;
      await this.#client.json('POST', this.#path.slice(0, this.#path.lastIndexOf('/')), {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.#options.name, namespace: this.#options.namespace },
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds,
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: 0,
        },
      });
      this.#renewed(now);
      return;
    }
    const spec: LeaseSpec = isPlainObject(lease.spec) ? lease.spec : {};
    if (!this.#observed || !isDeepStrictEqual(this.#observed.spec, spec)) {
      this.#observed = { spec, at: now.getTime() };
    }
    const holder = typeof spec.holderIdentity === 'string' ? spec.holderIdentity : '';
    const duration =
      typeof spec.leaseDurationSeconds === 'number' ? spec.leaseDurationSeconds : leaseDurationSeconds;
    const expired = now.getTime() > this.#observed.at + duration * 1000;
    if (holder !== identity && holder !== '' && !expired) {
      if (this.#leading) this.#setLeading(false);
      return;
    }
    const transitions = typeof spec.leaseTransitions === 'number' ? spec.leaseTransitions : 0;
    const taking = holder !== identity;
    await this.#client.json('PUT', this.#path, {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds,
        renewTime: microTime(now),
        ...(taking && { acquireTime: microTime(now), leaseTransitions: transitions + 1 }),
      },
    });
    this.#renewed(now);
  }

  #renewed(now: Date): void {
    this.#lastRenewed = now.getTime();
    if (!this.#leading) this.#setLeading(true);
  }

  /** Gives the lease up: no holder, and a one-second duration, as client-go's ReleaseOnCancel does. */
  async #release(): Promise<void> {
    const lease = await this.#client.json('GET', this.#path);
    const spec: LeaseSpec = isPlainObject(lease.spec) ? lease.spec : {};
    if (spec.holderIdentity !== this.#options.identity) return;
    await this.#client.json('PUT', this.#path, {
      ...lease,
      spec: { ...spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(new Date()) },
    });
  }

  #setLeading(leading: boolean): void {
    this.#leading = leading;
    log.info(leading ? 'leader election: leading; writing status' : 'leader election: not leading', {
      identity: this.#options.identity,
      lease: `${this.#options.namespace}/${this.#options.name}`,
    });
    this.#options.onLeading(leading);
  }
}
