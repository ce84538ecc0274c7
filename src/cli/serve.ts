// `sluice serve`: the standalone gateway — file provider → store → translate → data plane, plus the
// admin API over all of it.

import { isIP } from 'node:net';
import type { ParseArgsOptionsConfig } from 'node:util';
import type { AppliedConfig } from '../admin/config.ts';
import type { AdminServer } from '../admin/server.ts';
import { startAdminServer } from '../admin/server.ts';
import { DataPlane } from '../dataplane/dataplane.ts';
import { log } from '../observability/log.ts';
import { FileProvider } from '../providers/file/provider.ts';
import { parseDuration } from '../resources/gateway-shared.ts';
import { objectKey } from '../resources/object.ts';
import { StatusWriter } from '../store/status.ts';
import { ObjectStore } from '../store/store.ts';
import { poolAddresses } from '../translate/addresses.ts';
import { CONTROLLER_NAME } from '../translate/types.ts';
import type { FlagValues, HostPort } from './args.ts';
import { formatHostPort, parseFlags, parseHostPort, usageError } from './args.ts';
import { Reconciler } from './reconcile.ts';
import { kubernetesServeUsage } from './serve-kubernetes-usage.ts';

export const serveUsage = `sluice serve --config DIR [--config DIR…] [options]

Serves the Gateway API manifests found under each DIR (.yaml, .yml, .json; recursive) and
re-applies them whenever a file changes.

Options:
  --config DIR              a directory of manifests (repeatable, at least one)
  --admin-address ADDR:PORT admin API address (default 127.0.0.1:9901; port 0 picks a free one)
  --address-pool CIDR       addresses for Gateways without spec.addresses
  --default-address IP      address for Gateways without spec.addresses when no pool is given
                            (default 127.0.0.1)
  --client-idle-timeout DURATION
                            how long a client connection may stay open with no request in flight,
                            such as 75s or 1h (default 1h; 0s: no limit)

${kubernetesServeUsage}`;

/** Where the admin API and the Gateways listen: the same in standalone and Kubernetes mode. */
export interface ListenOptions {
  admin: HostPort;
  addressPool?: string;
  defaultAddress: string;
  /** Client connections idle longer than this are closed (0: never); the data plane's default when absent. */
  clientIdleTimeoutMs?: number;
}

export interface GatewayOptions extends ListenOptions {
  configDirs: string[];
}

export interface RunningGateway {
  /** The admin API's bound address, `host:port`. */
  adminAddress: string;
  /** The snapshot version and IR applied last. */
  applied(): AppliedConfig | undefined;
  close(): Promise<void>;
}

/** Starts everything and resolves once the first configuration is applied. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const store = new ObjectStore();
  const statuses = new StatusWriter();
  const dataPlane = new DataPlane({
    log,
    ...(options.clientIdleTimeoutMs !== undefined && { clientIdleTimeoutMs: options.clientIdleTimeoutMs }),
  });
  const reconciler = new Reconciler(
    () => store.snapshot,
    {
      controllerName: CONTROLLER_NAME,
      defaultAddress: options.defaultAddress,
      ...(options.addressPool !== undefined && { addressPool: options.addressPool }),
    },
    dataPlane,
    statuses,
  );
  const provider = new FileProvider(options.configDirs, store);

  let admin: AdminServer;
  try {
    admin = await startAdminServer(options.admin.host, options.admin.port, {
      isReady: () => reconciler.applied !== undefined,
      entries: () => store.entries(),
      status: (key) => statuses.get(key),
      problems: () => provider.problems(),
      changes: store.changes,
      applied: () => reconciler.applied,
    });
  } catch (error) {
    await dataPlane.close();
    throw error;
  }
  const adminAddress = formatHostPort(admin.address, admin.port);
  log.info('admin listening', { address: adminAddress });

  await provider.start(() => reconciler.schedule());
  await reconciler.idle();
  log.info('serving', {
    config: options.configDirs,
    admin: adminAddress,
    objects: store.snapshot.entries.length,
    gateways: store.snapshot.entries
      .filter((entry) => entry.object.kind === 'Gateway')
      .map((entry) => objectKey(entry.object)),
  });

  return {
    adminAddress,
    applied: () => reconciler.applied,
    async close() {
      provider.close();
      // A reload already under way still hands its snapshot over; let it, then let that apply finish.
      await provider.idle();
      await reconciler.idle();
      await dataPlane.close();
      await admin.close();
      log.info('stopped');
    },
  };
}

export const listenFlags: ParseArgsOptionsConfig = {
  'admin-address': { type: 'string', default: '127.0.0.1:9901' },
  'address-pool': { type: 'string' },
  'default-address': { type: 'string', default: '127.0.0.1' },
  'client-idle-timeout': { type: 'string' },
};

export function parseServeArgs(args: string[]): GatewayOptions {
  const flags = parseFlags(args, { config: { type: 'string', multiple: true }, ...listenFlags });
  const configDirs = (flags.config ?? []) as string[];
  if (configDirs.length === 0) throw usageError('serve needs at least one --config DIR');
  return { configDirs, ...listenOptions(flags) };
}

/** The validated `listenFlags`. */
export function listenOptions(flags: FlagValues): ListenOptions {
  const addressPool = typeof flags['address-pool'] === 'string' ? flags['address-pool'] : undefined;
  if (addressPool !== undefined && poolAddresses(addressPool).length === 0) {
    throw usageError(
      `--address-pool must be an IPv4 CIDR from /16 to /32 (for example 127.0.10.0/24), not "${addressPool}"`,
    );
  }
  const defaultAddress = String(flags['default-address']);
  if (isIP(defaultAddress) === 0)
    throw usageError(`--default-address must be an IP address, not "${defaultAddress}"`);
  const idleTimeout = flags['client-idle-timeout'];
  const clientIdleTimeoutMs = typeof idleTimeout === 'string' ? parseDuration(idleTimeout) : undefined;
  if (typeof idleTimeout === 'string' && clientIdleTimeoutMs === undefined)
    throw usageError(`--client-idle-timeout must be a duration such as 75s or 1h, not "${idleTimeout}"`);
  return {
    admin: parseHostPort(String(flags['admin-address']), '--admin-address'),
    ...(addressPool !== undefined && { addressPool }),
    defaultAddress,
    ...(clientIdleTimeoutMs !== undefined && { clientIdleTimeoutMs }),
  };
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once. */
export function untilSignalled(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string) => {
      log.info('shutting down', { signal });
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/**
 * Parses the flags of the chosen mode and returns how to start it; usage errors throw here. A mode whose
 * startup can wait indefinitely gives up when the signal aborts (standalone mode starts from files and
 * needs no such exit).
 */
async function gatewayStarter(args: string[]): Promise<(stop: AbortSignal) => Promise<RunningGateway>> {
  if (!args.includes('--kubernetes')) {
    const options = parseServeArgs(args);
    return () => startGateway(options);
  }
  // Kubernetes mode has its own flags and wiring; loaded only when asked for.
  const kubernetes = await import('./serve-kubernetes.ts');
  const options = kubernetes.parseKubernetesServeArgs(args);
  return (stop) => kubernetes.startKubernetesGateway(options, stop);
}

export async function runServe(args: string[]): Promise<number> {
  const start = await gatewayStarter(args);
  // Listening for signals before starting means a stop request during startup is not lost: it ends a
  // startup that is still waiting, as a graceful stop (exit 0), or stops the gateway once it is up.
  const stop = new AbortController();
  const signalled = untilSignalled().then(() => stop.abort());
  let gateway: RunningGateway;
  try {
    gateway = await start(stop.signal);
  } catch (error) {
    if (stop.signal.aborted) {
      log.info('stopped');
      return 0;
    }
    log.error('cannot start', { error: error instanceof Error ? error.message : String(error) });
    return 1;
  }
  await signalled;
  await gateway.close();
  return 0;
}
