// The apply loop: snapshot → translate → data plane → (rebind failures → translate again) → status.
// Applies run one at a time; snapshots that arrive meanwhile collapse into the latest one.

import type { AppliedConfig } from '../admin/config.ts';
import type { IR } from '../ir/types.ts';
import { log } from '../observability/log.ts';
import { SerialJob } from '../store/serial.ts';
import type { Snapshot } from '../store/snapshot.ts';
import type { StatusWriter } from '../store/status.ts';
import { translate } from '../translate/translate.ts';
import type { TranslateOptions, TranslateResult, UnavailableSocket } from '../translate/types.ts';

export interface BindFailure {
  address: string;
  port: number;
  gateway: string;
  message: string;
  /** EADDRNOTAVAIL: the address is on no interface of this machine. */
  addressUnusable?: boolean;
}

/** The part of the data plane the loop drives. */
export interface ApplyTarget {
  apply(ir: IR): Promise<{ failed: BindFailure[] }>;
}

/** Translating again can only remove sockets, so a few rounds settle even if ports are taken meanwhile. */
const MAX_BIND_ROUNDS = 3;

function socketsKey(sockets: readonly { address: string; port: number }[]): string {
  return sockets
    .map((socket) => `${socket.address}:${socket.port}`)
    .sort()
    .join(',');
}

export class Reconciler {
  readonly #latest: () => Snapshot;
  readonly #options: Omit<TranslateOptions, 'unavailable'>;
  readonly #dataPlane: ApplyTarget;
  readonly #statuses: StatusWriter;
  readonly #job: SerialJob;
  #applied: AppliedConfig | undefined;
  #unavailable: UnavailableSocket[] = [];

  constructor(
    latest: () => Snapshot,
    options: Omit<TranslateOptions, 'unavailable'>,
    dataPlane: ApplyTarget,
    statuses: StatusWriter,
  ) {
    this.#latest = latest;
    this.#options = options;
    this.#dataPlane = dataPlane;
    this.#statuses = statuses;
    this.#job = new SerialJob(
      () => this.#applyLatest(),
      (error) =>
        log.error('config apply failed; the previous configuration keeps serving', { error: String(error) }),
    );
  }

  /** The snapshot version and IR last applied; undefined until the first apply finishes. */
  get applied(): AppliedConfig | undefined {
    return this.#applied;
  }

  /** Asks for the latest snapshot to be applied (after the apply in progress, if any). */
  schedule(): void {
    this.#job.run();
  }

  /** Resolves when every scheduled apply has finished. */
  idle(): Promise<void> {
    return this.#job.idle();
  }

  async #applyLatest(): Promise<void> {
    const snapshot = this.#latest();
    if (this.#applied && this.#applied.version >= snapshot.version) return;
    const objects = snapshot.entries.map((entry) => entry.object);
    // Every apply starts by trying all sockets, so a port another process has freed is picked up again.
    const unavailable: UnavailableSocket[] = [];
    let result: TranslateResult | undefined;
    for (let round = 0; round < MAX_BIND_ROUNDS; round++) {
      result = translate(objects, { ...this.#options, unavailable: [...unavailable] });
      const { failed } = await this.#dataPlane.apply(result.ir);
      if (failed.length === 0) break;
      for (const { address, port, message, addressUnusable } of failed) {
        unavailable.push({ address, port, message, ...(addressUnusable ? { addressUnusable } : {}) });
      }
    }
    if (!result) return;
    this.#reportUnavailable(unavailable);
    this.#statuses.write(result.status);
    this.#applied = { version: snapshot.version, ir: result.ir };
    log.info('config applied', {
      version: snapshot.version,
      objects: objects.length,
      sockets: result.ir.ports.length,
      listeners: result.ir.ports.reduce((sum, port) => sum + port.listeners.length, 0),
      clusters: Object.keys(result.ir.clusters).length,
      unavailable: unavailable.length,
    });
  }

  /** Warns when the set of sockets that cannot be bound changes, not on every apply. */
  #reportUnavailable(unavailable: UnavailableSocket[]): void {
    if (socketsKey(unavailable) === socketsKey(this.#unavailable)) return;
    for (const socket of unavailable) {
      log.warn('cannot bind listener socket; its listeners report PortUnavailable', { ...socket });
    }
    this.#unavailable = unavailable;
  }
}
