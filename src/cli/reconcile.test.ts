import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IR } from '../ir/types.ts';
import type { KubeObject } from '../resources/object.ts';
import { admit } from '../resources/registry.ts';
import { StatusWriter } from '../store/status.ts';
import { ObjectStore } from '../store/store.ts';
import { CONTROLLER_NAME } from '../translate/types.ts';
import type { ApplyTarget, BindFailure } from './reconcile.ts';
import { Reconciler } from './reconcile.ts';

function admitted(raw: unknown): KubeObject {
  const { object, problems } = admit(raw);
  assert.ok(object, JSON.stringify(problems));
  return object;
}

const gatewayClass = admitted({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'GatewayClass',
  metadata: { name: 'sluice' },
  spec: { controllerName: CONTROLLER_NAME },
});

function gateway(port: number): KubeObject {
  return admitted({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'edge', namespace: 'default' },
    spec: { gatewayClassName: 'sluice', listeners: [{ name: 'http', protocol: 'HTTP', port }] },
  });
}

/** A data plane that cannot bind `taken` ports and records every IR it is given. */
class FakeDataPlane implements ApplyTarget {
  readonly applied: IR[] = [];
  taken = new Set<number>();
  #release: (() => void) | undefined;
  hold = false;

  async apply(ir: IR): Promise<{ failed: BindFailure[] }> {
    this.applied.push(ir);
    if (this.hold) await new Promise<void>((resolve) => (this.#release = resolve));
    const failed = ir.ports
      .filter((port) => this.taken.has(port.port))
      .map((port) => ({
        address: port.address,
        port: port.port,
        gateway: port.gateway,
        message: 'EADDRINUSE',
      }));
    return { failed };
  }

  release(): void {
    this.hold = false;
    this.#release?.();
  }
}

function setup() {
  const store = new ObjectStore();
  const statuses = new StatusWriter();
  const dataPlane = new FakeDataPlane();
  const reconciler = new Reconciler(
    () => store.snapshot,
    { controllerName: CONTROLLER_NAME, defaultAddress: '127.0.0.1' },
    dataPlane,
    statuses,
  );
  const load = (...objects: KubeObject[]) => {
    store.replace(objects.map((object) => ({ object })));
    reconciler.schedule();
    return reconciler.idle();
  };
  return { store, statuses, dataPlane, reconciler, load };
}

type Listener = { name: string; conditions: { type: string; status: string; reason: string }[] };

function listenerCondition(statuses: StatusWriter, type: string) {
  const listeners = statuses.get('Gateway/default/edge')?.listeners as Listener[];
  return listeners[0].conditions.find((condition) => condition.type === type);
}

describe('Reconciler', () => {
  test('applies the snapshot, then writes status', async () => {
    const { dataPlane, statuses, reconciler, load } = setup();
    assert.equal(reconciler.applied?.version, undefined);
    await load(gatewayClass, gateway(8080));
    assert.equal(dataPlane.applied.length, 1);
    assert.deepEqual(
      dataPlane.applied[0].ports.map((port) => `${port.address}:${port.port}`),
      ['127.0.0.1:8080'],
    );
    assert.equal(reconciler.applied?.version, 1);
    assert.equal(listenerCondition(statuses, 'Programmed')?.status, 'True');
  });

  test('a socket that cannot be bound is translated away and reported PortUnavailable', async () => {
    const { dataPlane, statuses, reconciler, load } = setup();
    dataPlane.taken.add(8080);
    await load(gatewayClass, gateway(8080));
    assert.equal(dataPlane.applied.length, 2, 'translated and applied again without the socket');
    assert.deepEqual(dataPlane.applied[1].ports, []);
    assert.deepEqual(reconciler.applied?.ir.ports, []);
    const accepted = listenerCondition(statuses, 'Accepted');
    assert.equal(accepted?.status, 'False');
    assert.equal(accepted?.reason, 'PortUnavailable');
    assert.equal(listenerCondition(statuses, 'Programmed')?.status, 'False');

    // Once the port is free, the next change binds it again.
    dataPlane.taken.clear();
    await load(
      gatewayClass,
      gateway(8080),
      admitted({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }),
    );
    assert.equal(dataPlane.applied.at(-1)?.ports.length, 1);
    assert.equal(listenerCondition(statuses, 'Programmed')?.status, 'True');
  });

  test('snapshots arriving during an apply collapse into the latest', async () => {
    const { store, dataPlane, reconciler } = setup();
    dataPlane.hold = true;
    store.replace([{ object: gatewayClass }, { object: gateway(8080) }]);
    reconciler.schedule();
    while (dataPlane.applied.length === 0) await new Promise((resolve) => setImmediate(resolve));
    store.replace([{ object: gatewayClass }, { object: gateway(8081) }]);
    reconciler.schedule();
    store.replace([{ object: gatewayClass }, { object: gateway(8082) }]);
    reconciler.schedule();
    dataPlane.release();
    await reconciler.idle();
    assert.deepEqual(
      dataPlane.applied.map((ir) => ir.ports[0].port),
      [8080, 8082],
    );
    assert.equal(reconciler.applied?.version, 3);
  });
});
