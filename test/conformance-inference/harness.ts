// One Inference Extension conformance test file's world: the model-server pods of the base manifests, the base
// plus the test's manifests in a watched directory, and its own `sluice serve` on its own loopback block.
//
//   const suite = new InferenceConformanceSuite({ block: 213, manifests: ['accepted.yaml'] });
//   before(() => suite.start());
//   after(() => suite.stop());
//
// It is built from the Gateway API harness (test/conformance/harness/): the same suite base (gateway-suite.ts:
// address block, manifest store, `sluice serve` process, admin client), status polling and round trips. Only
// the world differs: upstream's inference base (two Gateways, echo-basic model servers selected by
// InferencePools through their Pods) instead of the Gateway API base.

import { join } from 'node:path';
import { GatewaySuite, type SuiteLayout, type SuiteOptions } from '../conformance/harness/gateway-suite.ts';
import type { Manifest } from '../conformance/harness/manifest-store.ts';
import { type ModelServerPod, type ModelServers, startModelServers } from './harness/model-servers.ts';

const inferenceLayout: SuiteLayout = {
  manifestsDir: join(import.meta.dirname, 'manifests'),
  gatewayClassName: 'inference-conformance',
  tempDirPrefix: 'sluice-conformance-inference-',
};

export class InferenceConformanceSuite extends GatewaySuite {
  #servers: ModelServers | undefined;

  constructor(options: SuiteOptions) {
    super(options, inferenceLayout);
  }

  protected override async setUp(): Promise<void> {
    const base = await this.readManifests('base.yaml');
    this.#servers = await startModelServers(
      this.block.podAddress,
      base.filter((object) => object.kind === 'Deployment'),
    );
    await this.#write('base.yaml', [...base, ...this.#servers.podObjects]);
  }

  protected override async tearDown(): Promise<void> {
    await this.#servers?.close();
  }

  /** Upstream `GetPodsWithLabel` for the `app` label: the running model-server pods. */
  pods(app: string): ModelServerPod[] {
    return this.#requireServers().pods.filter((pod) => pod.labels.app === app);
  }

  /** The port the pods really serve an upstream container port (3000, 3002, …) on. */
  port(containerPort: number): number {
    return this.#requireServers().port(containerPort);
  }

  /** The upstream container port a pod's real port stands for. */
  containerPort(port: number): number | undefined {
    return this.#requireServers().containerPort(port);
  }

  override async apply(file: string): Promise<void> {
    await this.#write(file, await this.readManifests(file));
  }

  /** Writes a manifest file with the upstream container ports it names mapped to the pods' real ports. */
  async #write(file: string, objects: Manifest[]): Promise<void> {
    const servers = this.#requireServers();
    for (const object of objects) mapPoolPorts(object, (port) => servers.mapped(port));
    await this.store.write(file, objects);
  }

  #requireServers(): ModelServers {
    if (!this.#servers) throw new Error('the suite is not started');
    return this.#servers;
  }
}

/** InferencePool target ports, and the ports of HTTPRoute backendRefs to pools, through `map`, in place. */
function mapPoolPorts(object: Manifest, map: (port: number) => number): void {
  const spec = record(object.spec);
  if (object.kind === 'InferencePool') {
    for (const port of list(spec.targetPorts).map(record))
      if (typeof port.number === 'number') port.number = map(port.number);
  }
  if (object.kind === 'HTTPRoute') {
    for (const rule of list(spec.rules).map(record))
      for (const ref of list(rule.backendRefs).map(record))
        if (ref.kind === 'InferencePool' && typeof ref.port === 'number') ref.port = map(ref.port);
  }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
