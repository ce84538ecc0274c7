// Leader election over a coordination.k8s.io/v1 Lease, the way client-go does it: the holder renews the
// lease; others take it once it has gone unrenewed for its duration, measured on their own clock from
// when they last saw it change, so clock skew between replicas does not matter. A leader that stops
// releases the lease so the next one takes over at its next try.

import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { CoordinationV1Api, type V1Lease, type V1LeaseSpec, V1MicroTime } from '@kubernetes/client-node';
import { log } from '../../observability/log.ts';
import { KubeApiError, type KubeClient, kubeCall } from './client.ts';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  /** This replica's name in `spec.holderIdentity`. */
  identity: string;
  leaseDurationSeconds: number;
  /** Called when this replica becomes or stops being the leader. */
  onLeading(leading: boolean): void;
}

function isAbsent(error: unknown): boolean {
  return error instanceof KubeApiError && error.httpStatus === 404;
}

function isConflict(error: unknown): boolean {
  return error instanceof KubeApiError && error.httpStatus === 409;
}

export class LeaderElector {
  readonly #leases: CoordinationV1Api;
  readonly #options: LeaderElectionOptions;
  readonly #stop = new AbortController();
  /** `leases/namespace/name`, for messages. */
  readonly #path: string;
  /** How often to try to acquire or renew. */
  readonly #retryMs: number;
  /** A leader that cannot renew for this long steps down, before anyone else may take the lease. */
  readonly #renewDeadlineMs: number;
  #leading = false;
  #lastRenewed = 0;
  /** The lease spec last seen and when (on this clock) it was seen to change. */
  #observed: { spec: V1LeaseSpec; at: number } | undefined;
  #running: Promise<void> | undefined;

  constructor(client: KubeClient, options: LeaderElectionOptions) {
    this.#options = options;
    const { namespace, name, leaseDurationSeconds } = options;
    this.#path = `leases/${namespace}/${name}`;
    this.#retryMs = Math.max(100, (leaseDurationSeconds * 1000) / 5);
    this.#renewDeadlineMs = (leaseDurationSeconds * 1000 * 2) / 3;
    // A request that hangs past the renew deadline must not keep a leader believing it still leads.
    this.#leases = new CoordinationV1Api(client.configuration(this.#renewDeadlineMs));
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

  #read(): Promise<V1Lease> {
    const { namespace, name } = this.#options;
    return kubeCall('GET', this.#path, () => this.#leases.readNamespacedLease({ name, namespace }));
  }

  #replace(lease: V1Lease, spec: V1LeaseSpec): Promise<V1Lease> {
    const { namespace, name } = this.#options;
    return kubeCall('PUT', this.#path, () =>
      this.#leases.replaceNamespacedLease({ name, namespace, body: { ...lease, spec } }),
    );
  }

  async #tryAcquireOrRenew(): Promise<void> {
    const now = new Date();
    const { identity, leaseDurationSeconds, namespace, name } = this.#options;
    let lease: V1Lease;
    try {
      lease = await this.#read();
    } catch (error) {
      if (!isAbsent(error)) throw error;
      await kubeCall('POST', this.#path, () =>
        this.#leases.createNamespacedLease({
          namespace,
          body: {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name, namespace },
            spec: {
              holderIdentity: identity,
              leaseDurationSeconds,
              acquireTime: new V1MicroTime(now),
              renewTime: new V1MicroTime(now),
              leaseTransitions: 0,
            },
          },
        }),
      );
      this.#renewed(now);
      return;
    }
    const spec = lease.spec ?? {};
    if (!this.#observed || !isDeepStrictEqual(this.#observed.spec, spec)) {
      this.#observed = { spec, at: now.getTime() };
    }
    const holder = spec.holderIdentity ?? '';
    const duration = spec.leaseDurationSeconds ?? leaseDurationSeconds;
    const expired = now.getTime() > this.#observed.at + duration * 1000;
    if (holder !== identity && holder !== '' && !expired) {
      if (this.#leading) this.#setLeading(false);
      return;
    }
    const taking = holder !== identity;
    await this.#replace(lease, {
      ...spec,
      holderIdentity: identity,
      leaseDurationSeconds,
      renewTime: new V1MicroTime(now),
      ...(taking && {
        acquireTime: new V1MicroTime(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + 1,
      }),
    });
    this.#renewed(now);
  }

  #renewed(now: Date): void {
    this.#lastRenewed = now.getTime();
    if (!this.#leading) this.#setLeading(true);
  }

  /** Gives the lease up: no holder, and a one-second duration, as client-go's ReleaseOnCancel does. */
  async #release(): Promise<void> {
    const lease = await this.#read();
    const spec = lease.spec ?? {};
    if (spec.holderIdentity !== this.#options.identity) return;
    await this.#replace(lease, {
      ...spec,
      holderIdentity: '',
      leaseDurationSeconds: 1,
      renewTime: new V1MicroTime(new Date()),
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
