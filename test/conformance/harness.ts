// One conformance test file's world: echo backends, the base fixtures plus the test's manifests in a
// watched directory, and its own `sluice serve` on its own loopback block.
//
// Usage in a test file:
//   const suite = new ConformanceSuite({ block: 7, manifests: ['httproute-matching.yaml'] });
//   before(() => suite.start());
//   after(() => suite.stop());
// `block` (1–254, distinct per file) names the file's loopback addresses (see harness/address-block.ts), so
// files run in parallel; a second run of the suite on the same machine moves to another block.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { type AddressBlock, blocksPerRound, claimAddressBlock } from './harness/address-block.ts';
import { AdminClient } from './harness/admin.ts';
import { serverRequestsClientCertificate } from './harness/certificate-request.ts';
import { echoDeploymentOf } from './harness/deployments.ts';
import {
  awaitConvergence,
  type ExpectedResponse,
  makeRequest,
  roundTripFailure,
  testCaseName,
  waitForConsistentFailureResponse,
} from './harness/expect.ts';
import {
  type Backends,
  endpointSliceFor,
  type MountedFile,
  mapContainerPorts,
  type Pod,
  startBackends,
} from './harness/fixtures.ts';
import {
  formatName,
  type Manifest,
  ManifestStore,
  type NamespacedName,
  readManifests,
} from './harness/manifest-store.ts';
import {
  type Certificate,
  type Certificates,
  certificateObjects,
  createCertificates,
} from './harness/pki.ts';
import { captureRoundTrip, type RoundTripRequest } from './harness/roundtrip.ts';
import { SluiceProcess } from './harness/sluice-process.ts';
import { fillAddressPlaceholders, unusableAddress, usableAddressOf } from './harness/static-addresses.ts';
import type { StatusSource } from './harness/status.ts';

const gatewayClassName = 'gateway-conformance';
const controllerName = 'sluice.dev/gateway-controller';

const manifestsDir = join(import.meta.dirname, 'manifests');
/** How long an edited manifest file may take to show in the admin API. */
const loadTimeoutMs = 30_000;

export interface SuiteOptions {
  block: number;
  /** Files under `manifests/` applied after the base fixtures, as the upstream test's `Manifests`. */
  manifests: string[];
}

export class ConformanceSuite implements StatusSource {
  readonly controllerName = controllerName;
  readonly #options: SuiteOptions;
  #block: AddressBlock | undefined;
  #tempDir = '';
  #store: ManifestStore | undefined;
  #backends: Backends | undefined;
  #certificates: Certificates | undefined;
  #sluice: SluiceProcess | undefined;
  #admin: AdminClient | undefined;

  constructor(options: SuiteOptions) {
    if (!Number.isInteger(options.block) || options.block < 1 || options.block > blocksPerRound) {
      throw new Error(`block must be an integer in 1..${blocksPerRound}, got ${options.block}`);
    }
    this.#options = options;
  }

  async start(): Promise<void> {
    this.#block = await claimAddressBlock(this.#options.block);
    this.#tempDir = await mkdtemp(join(tmpdir(), 'sluice-conformance-'));
    const configDir = join(this.#tempDir, 'config');
    this.#store = new ManifestStore(configDir, join(this.#tempDir, 'staging'));
    await this.#store.init();
    this.#certificates = await createCertificates(this.#tempDir);
    await this.#store.write('base-secrets.yaml', certificateObjects(this.#certificates));
    this.#backends = await startBackends(this.#block.podAddress, (namespace, file) =>
      this.#mountedFile(namespace, file),
    );
    await this.apply('base.yaml');
    for (const manifest of this.#options.manifests) await this.apply(manifest);

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
    await this.#backends?.close();
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

  get certificates(): Certificates {
    if (!this.#certificates) throw new Error('the suite is not started');
    return this.#certificates;
  }

  /** The running pods of a Deployment (label `app`). */
  pods(app: string): Pod[] {
    return (this.#backends?.pods ?? []).filter((pod) => pod.labels.app === app);
  }

  /**
   * Writes `manifests/<file>` into the watched directory: placeholders (and Gateway address
   * placeholders, as upstream's applier does) filled in, container ports
   * mapped to the echo pods' ports, the pods of its Deployments started and, like a cluster's
   * EndpointSlice controller, an EndpointSlice added for each Service that has a selector.
   */
  async apply(file: string): Promise<void> {
    const store = this.#requireStore();
    const backends = this.#backends;
    if (!backends) throw new Error('the suite is not started');
    const objects = await readManifests(join(manifestsDir, file), {
      GATEWAY_CLASS_NAME: gatewayClassName,
      GATEWAY_CONTROLLER_NAME: controllerName,
    });
    const usableAddress = usableAddressOf(this.#requireBlock().gatewayPool);
    for (const object of objects) fillAddressPlaceholders(object, usableAddress, unusableAddress);
    for (const object of objects.filter((object) => object.kind === 'Deployment')) {
      await backends.deploy(echoDeploymentOf(object));
    }
    for (const object of objects) mapContainerPorts(object, backends.containerPorts);
    const pods = [...backends.pods, ...backends.grpcPods];
    const slices = objects
      .filter((object) => object.kind === 'Service')
      .map((service) => endpointSliceFor(service, pods))
      .filter((slice): slice is Manifest => slice !== undefined);
    await store.write(file, [...objects, ...slices]);
  }

  /**
   * Creates objects like upstream's `MustApplyObjectsWithCleanup`: they land in the watched directory
   * as `fileName`; the waits that follow see when sluice has them.
   */
  async create(fileName: string, objects: Manifest[]): Promise<void> {
    await this.#requireStore().write(fileName, objects);
  }

  /**
   * Edits an object like `kubectl patch`: when this returns, sluice has loaded the edit. A spec
   * change is loaded once the admin API shows a new generation (what an API server shows as soon as
   * the patch is accepted); other edits (EndpointSlice endpoints) are left to the traffic checks.
   */
  async patch(kind: string, target: NamespacedName, mutate: (object: Manifest) => void): Promise<void> {
    const store = this.#requireStore();
    const before = store.find(kind, target);
    const generation = (await this.admin.get(kind, target))?.generation;
    const after = await store.patch(kind, target, mutate);
    if (generation === undefined || isDeepStrictEqual(before?.spec, after.spec)) return;
    await this.#waitForLoad(`the edited spec of ${kind} ${formatName(target)}`, async () => {
      const current = await this.admin.get(kind, target);
      return current !== undefined && current.generation > generation;
    });
  }

  /** Deletes an object like `kubectl delete`: when this returns, sluice no longer has it. */
  async delete(kind: string, target: NamespacedName): Promise<void> {
    await this.#requireStore().delete(kind, target);
    await this.#waitForLoad(`the deletion of ${kind} ${formatName(target)}`, async () => {
      return (await this.admin.get(kind, target)) === undefined;
    });
  }

  async #waitForLoad(what: string, loaded: () => Promise<boolean>): Promise<void> {
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

  /**
   * Upstream `MakeTLSRequestAndExpectEventuallyConsistentResponse`: HTTPS with SNI `serverName`,
   * presenting `clientCertificate` when the gateway asks for one, which it then must have done.
   */
  async expectEventuallyConsistentTlsResponse(
    gatewayAddress: string,
    serverCertificate: string,
    serverName: string,
    expected: ExpectedResponse,
    clientCertificate?: Certificate,
  ): Promise<void> {
    const request = {
      ...makeRequest(expected, gatewayAddress, 'https'),
      serverName,
      serverCertificate,
      ...(clientCertificate ? { clientCertificate } : {}),
    };
    await awaitConvergence(
      `${request.method} https://${request.host}${request.path} (SNI ${serverName})`,
      () => roundTripFailure(request, expected),
      () => this.diagnostics(),
    );
    if (clientCertificate) await this.#expectCertificateRequest(request);
  }

  /**
   * Upstream `MakeTLSRequestAndExpectFailureResponse`: one HTTPS request that must fail to complete
   * (a refused handshake, a reset); with a client certificate, the gateway must have asked for it.
   */
  async expectTlsFailureResponse(
    gatewayAddress: string,
    serverCertificate: string,
    serverName: string,
    expected: ExpectedResponse,
    clientCertificate?: Certificate,
  ): Promise<void> {
    const request = {
      ...makeRequest(expected, gatewayAddress, 'https'),
      serverName,
      serverCertificate,
      ...(clientCertificate ? { clientCertificate } : {}),
    };
    const outcome = await captureRoundTrip(request).then(
      (roundTrip) => `status ${roundTrip.response.statusCode}`,
      () => undefined,
    );
    if (outcome !== undefined) {
      throw new Error(`request to https://${request.host}${request.path} should fail, got ${outcome}`);
    }
    if (clientCertificate) await this.#expectCertificateRequest(request);
  }

  /** Upstream `MakeRequestAndExpectFailure`: 5 answers in a row that are not 200. */
  async expectFailure(gatewayAddress: string, expected: ExpectedResponse): Promise<void> {
    await waitForConsistentFailureResponse(makeRequest(expected, gatewayAddress, 'http'), () =>
      this.diagnostics(),
    );
  }

  // Upstream asserts its GetClientCertificate hook ran during the requests; see certificate-request.ts.
  async #expectCertificateRequest(request: RoundTripRequest): Promise<void> {
    const asked = await serverRequestsClientCertificate(
      request.address,
      request.port,
      request.serverName ?? '',
    );
    if (!asked) throw new Error('client certificate was not presented during the handshake');
  }

  /**
   * Each case as its own subtest named like upstream's, all at once (upstream marks them
   * `t.Parallel()`); the calling test needs `{ concurrency: true }` for them to overlap.
   */
  async expectResponses(t: TestContext, gatewayAddress: string, cases: ExpectedResponse[]): Promise<void> {
    await Promise.all(
      cases.map((expected, index) =>
        t.test(testCaseName(expected, index), () =>
          this.expectEventuallyConsistentResponse(gatewayAddress, expected),
        ),
      ),
    );
  }

  /** A key of a Secret or ConfigMap as a kubelet mounts it: Secret data decoded, stringData as is. */
  #mountedFile(namespace: string, file: MountedFile): string | undefined {
    const object = this.#store?.find(file.kind, { namespace, name: file.name });
    const data = object?.data;
    const value =
      typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[file.key] : undefined;
    if (typeof value === 'string') {
      return file.kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value;
    }
    const stringData = object?.stringData;
    const plain =
      typeof stringData === 'object' && stringData !== null
        ? (stringData as Record<string, unknown>)[file.key]
        : undefined;
    return typeof plain === 'string' ? plain : undefined;
  }

  #requireBlock(): AddressBlock {
    if (!this.#block) throw new Error('the suite is not started');
    return this.#block;
  }

  #requireStore(): ManifestStore {
    if (!this.#store) throw new Error('the suite is not started');
    return this.#store;
  }
}
