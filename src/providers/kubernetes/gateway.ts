// `sluice serve --kubernetes`: the Kubernetes provider → translate → data plane, the admin API, and
// status written to the API server by whichever replica holds the leader lease.

import type { AdminServer } from '../../admin/server.ts';
import { startAdminServer } from '../../admin/server.ts';
import { formatHostPort } from '../../cli/args.ts';
import { Reconciler } from '../../cli/reconcile.ts';
import type { RunningGateway } from '../../cli/serve.ts';
import { DataPlane } from '../../dataplane/dataplane.ts';
import { log } from '../../observability/log.ts';
import { StatusWriter } from '../../store/status.ts';
import type { ObjectStatus } from '../../translate/types.ts';
import { CONTROLLER_NAME } from '../../translate/types.ts';
import { KubeClient } from './client.ts';
import { resolveConnection } from './kubeconfig.ts';
import { LeaderElector } from './lease.ts';
import type { KubernetesServeOptions } from './options.ts';
import { KubernetesProvider } from './provider.ts';
import { ClusterStatusWriter } from './status-writer.ts';

export { parseKubernetesServeArgs } from './options.ts';

/** The in-memory status writer, telling the cluster writer which objects' status changed on each apply. */
class PublishingStatusWriter extends StatusWriter {
  onChanged: (keys: string[]) => void = () => {};

  override write(updates: ReadonlyMap<string, ObjectStatus>): string[] {
    const changed = super.write(updates);
    if (changed.length > 0) this.onChanged(changed);
    return changed;
  }
}

/** Starts everything and resolves once the cluster's objects are listed and the first configuration applied. */
export async function startKubernetesGateway(options: KubernetesServeOptions): Promise<RunningGateway> {
  const client = new KubeClient(resolveConnection(options.kubeconfig, options.context));
  const provider = new KubernetesProvider(client, { namespaces: options.namespaces });
  const statuses = new PublishingStatusWriter();
  const dataPlane = new DataPlane({ log });
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
    await provider.start(() => reconciler.schedule());
  } catch (error) {
    await provider.close();
    await admin?.close();
    await dataPlane.close();
    await client.close();
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
      await provider.close();
      await reconciler.idle();
      // Release the lease before the last writes stop, so the next leader starts at once.
      writer.close();
      await elector.stop();
      await writer.idle();
      await dataPlane.close();
      await admin.close();
      await client.close();
      log.info('stopped');
    },
  };
}
