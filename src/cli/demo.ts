// `sluice demo` (what `npm start` runs): the quickstart manifests served against built-in echo
// backends, with curl commands that work right away.

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isSeq, parseAllDocuments } from 'yaml';
import type { IR } from '../ir/types.ts';
import { SERVICE_NAME_LABEL } from '../resources/core.ts';
import type { EchoServer } from '../sim/echo.ts';
import { startEchoServer } from '../sim/echo.ts';
import type { HostPort } from './args.ts';
import { formatHostPort, parseFlags, parseHostPort, usageError } from './args.ts';
import { startGateway, untilSignalled } from './serve.ts';

const quickstartDir = fileURLToPath(new URL('../../examples/quickstart/', import.meta.url));
const host = '127.0.0.1';
const preferredGatewayPort = 8080;
const preferredAdminPort = 9901;

/** The quickstart's Services, each backed by one echo server. */
const services = ['chat', 'embed'];

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** A port nobody listens on right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Copies the quickstart into `dir` with the Gateway on `gatewayPort` and every EndpointSlice pointing
 * at its Service's echo server. Edited as YAML documents so the comments stay for people to read.
 */
async function writeManifests(
  dir: string,
  gatewayPort: number,
  backends: Map<string, EchoServer>,
): Promise<void> {
  for (const file of (await readdir(quickstartDir)).filter((name) => name.endsWith('.yaml'))) {
    const documents = parseAllDocuments(await readFile(join(quickstartDir, file), 'utf8'));
    if (!Array.isArray(documents)) throw new Error(`${file} is not a YAML stream`);
    for (const document of documents) {
      const kind = document.get('kind');
      if (kind === 'Gateway') {
        const listeners = document.getIn(['spec', 'listeners']);
        const count = isSeq(listeners) ? listeners.items.length : 0;
        for (let i = 0; i < count; i++) document.setIn(['spec', 'listeners', i, 'port'], gatewayPort);
      }
      if (kind === 'EndpointSlice') {
        const labels = document.getIn(['metadata', 'labels']);
        const service = isMap(labels) ? String(labels.get(SERVICE_NAME_LABEL)) : '';
        const backend = backends.get(service);
        if (!backend) continue;
        document.set(
          'endpoints',
          document.createNode([{ addresses: [backend.address], conditions: { ready: true } }]),
        );
        document.set('ports', document.createNode([{ name: 'http', port: backend.port }]));
      }
    }
    await writeFile(join(dir, file), documents.map(String).join(''));
  }
}

/** One curl command per HTTP route path the IR serves. */
export function curlCommands(ir: IR): string[] {
  const commands = new Set<string>();
  for (const port of ir.ports) {
    if (port.protocol !== 'HTTP') continue;
    for (const listener of port.listeners) {
      for (const route of listener.routes) {
        if (route.match.path.type === 'RegularExpression') continue;
        const hostname = route.hostnames[0] ?? listener.hostname;
        const header = hostname ? `-H 'Host: ${hostname.replace(/^\*/, 'demo')}' ` : '';
        commands.add(
          `curl ${header}http://${formatHostPort(port.address, port.port)}${route.match.path.value}`,
        );
      }
    }
  }
  return [...commands].sort();
}

function banner(ir: IR, adminAddress: string, dir: string): string {
  const curls = curlCommands(ir);
  const traffic =
    curls.length > 0
      ? curls.map((command) => `  ${command}`).join('\n')
      : '  (no listener could be bound; see the warnings above)';
  return `
Sluice demo is running. Send traffic through the gateway:

${traffic}

Look inside with the admin API:

  curl http://${adminAddress}/api/v1/objects
  curl http://${adminAddress}/api/v1/changes
  curl http://${adminAddress}/metrics

The manifests are in ${dir}: edit them and the gateway follows. Ctrl-C stops the demo.
`;
}

export async function runDemo(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    port: { type: 'string' },
    'admin-address': { type: 'string' },
  });
  const requestedPort = typeof flags.port === 'string' ? Number(flags.port) : undefined;
  if (
    requestedPort !== undefined &&
    !(Number.isInteger(requestedPort) && requestedPort > 0 && requestedPort < 65536)
  ) {
    throw usageError(`--port must be a port number between 1 and 65535, not "${flags.port}"`);
  }
  const admin: HostPort =
    typeof flags['admin-address'] === 'string'
      ? parseHostPort(flags['admin-address'], '--admin-address')
      : { host, port: (await isFree(preferredAdminPort)) ? preferredAdminPort : 0 };
  // Without --port the demo prefers the quickstart's 8080 but does not fail when it is taken.
  const gatewayPort =
    requestedPort ?? ((await isFree(preferredGatewayPort)) ? preferredGatewayPort : await freePort());

  const signalled = untilSignalled();
  const backends = new Map<string, EchoServer>();
  const dir = await mkdtemp(join(tmpdir(), 'sluice-demo-'));
  try {
    for (const service of services) {
      backends.set(
        service,
        await startEchoServer({ host, port: 0, pod: `${service}-0`, namespace: 'default', service }),
      );
    }
    await writeManifests(dir, gatewayPort, backends);
    const gateway = await startGateway({ configDirs: [dir], admin, defaultAddress: host });
    const applied = gateway.applied();
    process.stdout.write(banner(applied?.ir ?? { ports: [], clusters: {} }, gateway.adminAddress, dir));
    await signalled;
    await gateway.close();
  } finally {
    await Promise.all([...backends.values()].map((backend) => backend.close()));
    await rm(dir, { recursive: true, force: true });
  }
  return 0;
}
