// What every conformance port's test-file world shares (the Gateway API one in ../harness.ts, the Inference
// Extension one in test/conformance-inference/harness.ts): the file's loopback address block, a temp
// directory holding the watched manifest directory, its own `sluice serve`, and the admin client, waits and
// plain-HTTP check on top. What serves behind the Gateways, and which manifests are written, is the
// subclass's.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AddressBlock, blocksPerRound, claimAddressBlock } from './address-block.ts';
import { AdminClient } from './admin.ts';
import { awaitConvergence, type ExpectedResponse, makeRequest, roundTripFailure } from './expect.ts';
import {
  formatName,
  type Manifest,
  ManifestStore,
  type NamespacedName,
  readManifests,
} from './manifest-store.ts';
import { SluiceProcess } from './sluice-process.ts';
import type { StatusSource } from './status.ts';

/** The controller name `sluice serve` reports in status, and `{GATEWAY_CONTROLLER_NAME}` in manifests. */
const controllerName = 'sluice.dev/gateway-controller';
/** How long an edited manifest file may take to show in the admin API. */
const loadTimeoutMs = 30_000;

/** What a test file asks of its suite. */
export interface SuiteOptions {
  /** 1–254, distinct per test file: names the file's loopback addresses (see address-block.ts). */
  block: number;
  /** Files of the port's manifests applied after its base, as the upstream test's `Manifests`. */
  manifests: string[];
}

/** What differs between the conformance ports: where their manifests are and what their files are called. */
export interface SuiteLayout {
  /** The folder of the port's manifest files. */
  manifestsDir: string;
  /** What `{GATEWAY_CLASS_NAME}` stands for in them. */
  gatewayClassName: string;
  /** How the temp directory's name starts, so a kept one says which port left it. */
  tempDirPrefix: string;
}

export abstract class GatewaySuite implements StatusSource {
  readonly controllerName = controllerName;
  readonly #options: SuiteOptions;
  readonly #layout: SuiteLayout;
  #block: AddressBlock | undefined;
  #tempDir = '';
  #store: ManifestStore | undefined;
  #sluice: SluiceProcess | undefined;
  #admin: AdminClient | undefined;

  constructor(options: SuiteOptions, layout: SuiteLayout) {
    if (!Number.isInteger(options.block) || options.block < 1 || options.block > blocksPerRound) {
      throw new Error(`block must be an integer in 1..${blocksPerRound}, got ${options.block}`);
    }
    this.#options = options;
    this.#layout = layout;
  }

  /** Starts what serves behind the Gateways and writes the port's base manifests. */
  protected abstract setUp(): Promise<void>;

  /** Writes a file of the port's manifests into the watched directory, as the world needs it. */
  abstract apply(file: string): Promise<void>;

  /** Stops what `setUp` started, after `sluice serve` has stopped. */
  protected abstract tearDown(): Promise<void>;

  async start(): Promise<void> {
    this.#block = await claimAddressBlock(this.#options.block);
    this.#tempDir = await mkdtemp(join(tmpdir(), this.#layout.tempDirPrefix));
    const configDir = join(this.#tempDir, 'config');
    this.#store = new ManifestStore(configDir, join(this.#tempDir, 'staging'));
    await this.#store.init();
    await this.setUp();
    for (const file of this.#options.manifests) await this.apply(file);
    this.#sluice = await SluiceProcess.start({
      configDir,
      adminAddress: this.#block.adminAddress,
      addressPool: this.#block.gatewayPool,
      logFile: join(this.#tempDir, 'sluice.log'),
    });
    this.#admin = new AdminClient(this.#block.adminAddress);
  }

  /** Stops everything started; keeps the temp directory when SLUICE_CONFORMANCE_KEEP is set. */
  async stop(): Promise<void> {
    await this.#sluice?.stop();
    await this.tearDown();
    await this.#block?.release();
    if (!this.#tempDir) return;
    if (process.env.SLUICE_CONFORMANCE_KEEP) {
      process.stderr.write(`conformance files kept in ${this.#tempDir}\n`);
    } else {
      await rm(this.#tempDir, { recursive: true, force: true });
    }
  }

  get admin(): AdminClient {
    if (!this.#admin) throw new Error('the suite is not started');
    return this.#admin;
  }

  protected get block(): AddressBlock {
    if (!this.#block) throw new Error('the suite is not started');
    return this.#block;
  }

  /** The watched manifest directory. */
  protected get store(): ManifestStore {
    if (!this.#store) throw new Error('the suite is not started');
    return this.#store;
  }

  /** The suite's own temp directory (config, staging, log, and whatever else the world needs). */
  protected get tempDir(): string {
    if (!this.#tempDir) throw new Error('the suite is not started');
    return this.#tempDir;
  }

  /** The objects of a file of the port's manifests, placeholders filled in. */
  protected readManifests(file: string): Promise<Manifest[]> {
    return readManifests(join(this.#layout.manifestsDir, file), {
      GATEWAY_CLASS_NAME: this.#layout.gatewayClassName,
      GATEWAY_CONTROLLER_NAME: controllerName,
    });
  }

  /** Deletes an object like `kubectl delete`: when this returns, sluice no longer has it. */
  async delete(kind: string, target: NamespacedName): Promise<void> {
    await this.store.delete(kind, target);
    await this.waitForLoad(`the deletion of ${kind} ${formatName(target)}`, async () => {
      return (await this.admin.get(kind, target)) === undefined;
    });
  }

  /** Waits until `loaded` says sluice has taken in a change to the manifest files. */
  protected async waitForLoad(what: string, loaded: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + loadTimeoutMs;
    while (Date.now() < deadline) {
      if (await loaded()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `sluice serve did not load ${what} within ${loadTimeoutMs / 1000}s\n${this.diagnostics()}`,
    );
  }

  annotations(kind: string, target: NamespacedName): Record<string, string> {
    return this.#store?.find(kind, target)?.metadata.annotations ?? {};
  }

  diagnostics(): string {
    return this.#sluice ? `--- last lines of sluice serve ---\n${this.#sluice.logTail()}` : '';
  }

  /** Upstream `MakeRequestAndExpectEventuallyConsistentResponse` over plain HTTP. */
  async expectEventuallyConsistentResponse(
    gatewayAddress: string,
    expected: ExpectedResponse,
  ): Promise<void> {
    const request = makeRequest(expected, gatewayAddress, 'http');
    await awaitConvergence(
      `${request.method} http://${request.host}${request.path}`,
      () => roundTripFailure(request, expected),
      () => this.diagnostics(),
    );
  }
}
