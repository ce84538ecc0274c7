// One conformance test file's world: echo backends, the base fixtures plus the test's manifests in a
// watched directory, and its own `sluice serve` on its own loopback block.
//
// Usage in a test file:
//   const suite = new ConformanceSuite({ block: 7, manifests: ['httproute-matching.yaml'] });
//   before(() => suite.start());
//   after(() => suite.stop());
// `block` (1–254, distinct per file) gives the Gateway address pool 127.40.<block>.0/24 and puts the
// admin API (127.41.<block>.1:9901) and the echo pods (127.41.<block>.10…) where no other file goes,
// so files run in parallel.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { AdminClient } from './admin.ts';
import {
  awaitConvergence,
  type ExpectedResponse,
  makeRequest,
  roundTripFailure,
  testCaseName,
} from './expect.ts';
import {
  type Backends,
  type Certificates,
  createCertificates,
  endpointSliceFor,
  infraNamespace,
  mapContainerPort,
  type Pod,
  startBackends,
  tlsSecret,
  webBackendNamespace,
} from './fixtures.ts';
import { type Manifest, ManifestStore, type NamespacedName, readManifests } from './manifest-store.ts';
import { SluiceProcess } from './sluice-process.ts';
import type { StatusSource } from './status.ts';

export const gatewayClassName = 'gateway-conformance';
export const controllerName = 'sluice.dev/gateway-controller';

const manifestsDir = join(import.meta.dirname, 'manifests');

export interface SuiteOptions {
  block: number;
  /** Files under `manifests/` applied after the base fixtures, as the upstream test's `Manifests`. */
  manifests: string[];
}

export class ConformanceSuite implements StatusSource {
  readonly controllerName = controllerName;
  readonly #options: SuiteOptions;
  #tempDir = '';
  #store: ManifestStore | undefined;
  #backends: Backends | undefined;
  #certificates: Certificates | undefined;
  #sluice: SluiceProcess | undefined;
  #admin: AdminClient | undefined;

  constructor(options: SuiteOptions) {
    if (!Number.isInteger(options.block) || options.block < 1 || options.block > 254) {
      throw new Error(`block must be an integer in 1..254, got ${options.block}`);
    }
    this.#options = options;
  }

  async start(): Promise<void> {
    const { block } = this.#options;
    this.#tempDir = await mkdtemp(join(tmpdir(), 'sluice-conformance-'));
    const configDir = join(this.#tempDir, 'config');
    this.#store = new ManifestStore(configDir, join(this.#tempDir, 'staging'));
    await this.#store.init();
    this.#backends = await startBackends(block);
    this.#certificates = await createCertificates(this.#tempDir);

    await this.#store.write('base-secrets.yaml', [
      tlsSecret(infraNamespace, 'tls-validity-checks-certificate', this.#certificates.tlsValidityChecks),
      tlsSecret(webBackendNamespace, 'certificate', this.#certificates.webBackend),
    ]);
    await this.apply('base.yaml');
    for (const manifest of this.#options.manifests) await this.apply(manifest);

    const adminAddress = `127.41.${block}.1:9901`;
    this.#sluice = await SluiceProcess.start({
      configDir,
      adminAddress,
      addressPool: `127.40.${block}.0/24`,
      logFile: join(this.#tempDir, 'sluice.log'),
    });
    this.#admin = new AdminClient(adminAddress);
  }

  /** Stops everything started; keeps the temp directory when SLUICE_CONFORMANCE_KEEP is set. */
  async stop(): Promise<void> {
    await this.#sluice?.stop();
    await this.#backends?.close();
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
   * Writes `manifests/<file>` into the watched directory: placeholders filled in, container port 3000
   * mapped to the echo pods' port and, like a cluster's EndpointSlice controller, an EndpointSlice
   * added for each Service that has a selector.
   */
  async apply(file: string): Promise<void> {
    const store = this.#requireStore();
    const backends = this.#backends;
    if (!backends) throw new Error('the suite is not started');
    const objects = await readManifests(join(manifestsDir, file), {
      GATEWAY_CLASS_NAME: gatewayClassName,
      GATEWAY_CONTROLLER_NAME: controllerName,
    });
    for (const object of objects) mapContainerPort(object, backends.port);
    const slices = objects
      .filter((object) => object.kind === 'Service')
      .map((service) => endpointSliceFor(service, backends.pods))
      .filter((slice): slice is Manifest => slice !== undefined);
    await store.write(file, [...objects, ...slices]);
  }

  patch(kind: string, target: NamespacedName, mutate: (object: Manifest) => void): Promise<void> {
    return this.#requireStore().patch(kind, target, mutate);
  }

  delete(kind: string, target: NamespacedName): Promise<void> {
    return this.#requireStore().delete(kind, target);
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

  /** Upstream `MakeTLSRequestAndExpectEventuallyConsistentResponse`: HTTPS with SNI `serverName`. */
  async expectEventuallyConsistentTlsResponse(
    gatewayAddress: string,
    serverCertificate: string,
    serverName: string,
    expected: ExpectedResponse,
  ): Promise<void> {
    const request = { ...makeRequest(expected, gatewayAddress, 'https'), serverName, serverCertificate };
    await awaitConvergence(
      `${request.method} https://${request.host}${request.path} (SNI ${serverName})`,
      () => roundTripFailure(request, expected),
      () => this.diagnostics(),
    );
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

  #requireStore(): ManifestStore {
    if (!this.#store) throw new Error('the suite is not started');
    return this.#store;
  }
}
