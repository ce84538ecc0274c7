// One conformance test file's world: echo backends, the base fixtures plus the test's manifests in a
// watched directory, and its own `sluice serve` on its own loopback block (the part every conformance port
// shares is harness/gateway-suite.ts).
//
// Usage in a test file:
//   const suite = new ConformanceSuite({ block: 7, manifests: ['httproute-matching.yaml'] });
//   before(() => suite.start());
//   after(() => suite.stop());
// `block` (1–254, distinct per file) names the file's loopback addresses (see harness/address-block.ts), so
// files run in parallel; a second run of the suite on the same machine moves to another block.

import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
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
import { GatewaySuite, type SuiteLayout, type SuiteOptions } from './harness/gateway-suite.ts';
import { formatName, type Manifest, type NamespacedName } from './harness/manifest-store.ts';
import {
  type Certificate,
  type Certificates,
  certificateObjects,
  createCertificates,
} from './harness/pki.ts';
import { captureRoundTrip, type RoundTripRequest } from './harness/roundtrip.ts';
import { fillAddressPlaceholders, unusableAddress, usableAddressOf } from './harness/static-addresses.ts';

const gatewayApiLayout: SuiteLayout = {
  manifestsDir: join(import.meta.dirname, 'manifests'),
  gatewayClassName: 'gateway-conformance',
  tempDirPrefix: 'sluice-conformance-',
};

export class ConformanceSuite extends GatewaySuite {
  #backends: Backends | undefined;
  #certificates: Certificates | undefined;

  constructor(options: SuiteOptions) {
    super(options, gatewayApiLayout);
  }

  protected override async setUp(): Promise<void> {
    this.#certificates = await createCertificates(this.tempDir);
    await this.store.write('base-secrets.yaml', certificateObjects(this.#certificates));
    this.#backends = await startBackends(this.block.podAddress, (namespace, file) =>
      this.#mountedFile(namespace, file),
    );
    await this.apply('base.yaml');
  }

  protected override async tearDown(): Promise<void> {
    await this.#backends?.close();
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
  override async apply(file: string): Promise<void> {
    const backends = this.#backends;
    if (!backends) throw new Error('the suite is not started');
    const objects = await this.readManifests(file);
    const usableAddress = usableAddressOf(this.block.gatewayPool);
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
    await this.store.write(file, [...objects, ...slices]);
  }

  /**
   * Creates objects like upstream's `MustApplyObjectsWithCleanup`: they land in the watched directory
   * as `fileName`; the waits that follow see when sluice has them.
   */
  async create(fileName: string, objects: Manifest[]): Promise<void> {
    await this.store.write(fileName, objects);
  }

  /**
   * Edits an object like `kubectl patch`: when this returns, sluice has loaded the edit. A spec
   * change is loaded once the admin API shows a new generation (what an API server shows as soon as
   * the patch is accepted); other edits (EndpointSlice endpoints) are left to the traffic checks.
   */
  async patch(kind: string, target: NamespacedName, mutate: (object: Manifest) => void): Promise<void> {
    const before = this.store.find(kind, target);
    const generation = (await this.admin.get(kind, target))?.generation;
    const after = await this.store.patch(kind, target, mutate);
    if (generation === undefined || isDeepStrictEqual(before?.spec, after.spec)) return;
    await this.waitForLoad(`the edited spec of ${kind} ${formatName(target)}`, async () => {
      const current = await this.admin.get(kind, target);
      return current !== undefined && current.generation > generation;
    });
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
    const object = this.store.find(file.kind, { namespace, name: file.name });
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
}
