// `sluice serve --kubernetes`: the Kubernetes provider → translate → data plane, the admin API, and
// status written to the API server by whichever replica holds the leader lease (with the addresses of the
// Service in front of the replicas, when named).

import type { AdminServer } from '../admin/server.ts';
import { startAdminServer } from '../admin/server.ts';
import { DataPlane } from '../dataplane/dataplane.ts';
import { log } from '../observability/log.ts';
import { unlessAborted } from '../providers/kubernetes/abortable.ts';
import { KubeClient } from '../providers/kubernetes/client.ts';
import { loadKubeConfig } from '../providers/kubernetes/kubeconfig.ts';
import { LeaderElector } from '../providers/kubernetes/lease.ts';
import { KubernetesProvider } from '../providers/kubernetes/provider.ts';
import { Reflector } from '../providers/kubernetes/reflector.ts';
import {
  type GatewayStatusAddress,
  ServiceAddressFollower,
  type ServiceName,
  withPublishedAddresses,
} from '../providers/kubernetes/service-addresses.ts';
import { ClusterStatusWriter } from '../providers/kubernetes/status-writer.ts';
import { StatusWriter } from '../store/status.ts';
import type { ObjectStatus } from '../translate/types.ts';
import { CONTROLLER_NAME } from '../translate/types.ts';
import { formatHostPort } from './args.ts';
import { Reconciler } from './reconcile.ts';
import type { RunningGateway } from './serve.ts';
import type { KubernetesServeOptions } from './serve-kubernetes-options.ts';

export { parseKubernetesServeArgs } from './serve-kubernetes-options.ts';

/**
 * The in-memory status writer: puts the Service's addresses into Gateway status, and tells the cluster
 * writer which objects' status changed, on each apply and whenever those addresses change.
 */
class PublishingStatusWriter extends StatusWriter {
  onChanged: (keys: string[]) => void = () => {};
  #translated: ReadonlyMap<string, ObjectStatus> = new Map();
  #published: GatewayStatusAddress[] | undefined;

  override write(updates: ReadonlyMap<string, ObjectStatus>): string[] {
    this.#translated = updates;
    const changed = super.write(this.#published ? withPublishedAddresses(updates, this.#published) : updates);
    if (changed.length > 0) this.onChanged(changed);
    return changed;
  }

  /** The addresses Gateways report from now on; undefined: the ones each replica binds. */
  publish(addresses: GatewayStatusAddress[] | undefined): void {
    this.#published = addresses;
    this.write(this.#translated);
  }
}

/** A reflector of the one Service in front of the replicas, feeding its addresses to `statuses`. */
function followGatewayService(
  client: KubeClient,
  service: ServiceName,
  statuses: PublishingStatusWriter,
): Reflector {
  const follower = new ServiceAddressFollower((addresses) => {
    log.info('Gateways without spec.addresses report the addresses of the Service in front of Sluice', {
      service: `${service.namespace}/${service.name}`,
      addresses: addresses?.map((address) => address.value) ?? 'none yet; the ones each replica binds',
    });
    statuses.publish(addresses);
  });
  const served = { kind: 'Service', apiVersion: 'v1', resource: 'services', namespaced: true };
  const scope = { served, namespace: service.namespace, fieldSelector: `metadata.name=${service.name}` };
  return new Reflector(client, scope, follower);
}

/**
 * Starts everything and resolves once the cluster's objects are listed and the first configuration
 * applied. When `signal` aborts before that (a stop request while, say, RBAC still forbids a list), stops
 * what was started and rejects with its reason.
 */
export async function startKubernetesGateway(
  options: KubernetesServeOptions,
  signal?: AbortSignal,
): Promise<RunningGateway> {
  const client = new KubeClient(loadKubeConfig(options.kubeconfig, options.context));
  const provider = new KubernetesProvider(client, {
    namespaces: options.namespaces,
    gatewayClasses: options.gatewayClasses,
    controllerName: CONTROLLER_NAME,
  });
  const statuses = new PublishingStatusWriter();
  const gatewayService = options.gatewayService
    ? followGatewayService(client, options.gatewayService, statuses)
    : undefined;
  const dataPlane = new DataPlane({
    log,
    ...(options.clientIdleTimeoutMs !== undefined && { clientIdleTimeoutMs: options.clientIdleTimeoutMs }),
  });
  const reconciler = new Reconciler(
    () => provider.snapshot,
    {
      controllerName: CONTROLLER_NAME,
      defaultAddress: options.defaultAddress,
      ...(options.addressPool !== undefined && { addressPool: options.addressPool }),
    },
    dataPlane,
    statuses,
  );
  const writer = new ClusterStatusWriter(
    client,
    provider.cache,
    statuses,
    () => provider.served,
    CONTROLLER_NAME,
  );
  statuses.onChanged = (keys) => writer.enqueue(keys);
  const elector = new LeaderElector(client, {
    ...options.lease,
    leaseDurationSeconds: options.lease.durationSeconds,
    onLeading: (leading) => writer.setLeading(leading),
  });

  let admin: AdminServer | undefined;
  try {
    admin = await startAdminServer(options.admin.host, options.admin.port, {
      isReady: () => reconciler.applied !== undefined,
      entries: () => provider.entries(),
      status: (key) => statuses.get(key),
      problems: () => provider.problems(),
      changes: provider.cache.changes,
      applied: () => reconciler.applied,
    });
    gatewayService?.start();
    await provider.start(() => reconciler.schedule(), signal);
    if (gatewayService) await unlessAborted(gatewayService.settled, signal);
  } catch (error) {
    await gatewayService?.stop();
    await provider.close();
    await admin?.close();
    await dataPlane.close();
    throw error;
  }
  const adminAddress = formatHostPort(admin.address, admin.port);
  reconciler.schedule();
  await reconciler.idle();
  elector.start();
  log.info('serving', { mode: 'kubernetes', server: client.server, admin: adminAddress });

  return {
    adminAddress,
    applied: () => reconciler.applied,
    async close() {
      await gatewayService?.stop();
      await provider.close();
      await reconciler.idle();
      // Release the lease before the last writes stop, so the next leader starts at once.
      writer.close();
      await elector.stop();
      await writer.idle();
      await dataPlane.close();
      await admin.close();
      log.info('stopped');
    },
  };
}
