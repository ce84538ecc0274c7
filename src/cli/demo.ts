// `sluice demo` (what `npm start` runs): an example's manifests (the quickstart by default) served against
// built-in echo backends, with curl commands that work right away.

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Document, isMap, isSeq, parseAllDocuments } from 'yaml';
import type { IR } from '../ir/types.ts';
import { SERVICE_NAME_LABEL } from '../resources/core.ts';
import type { EchoServer } from '../sim/echo.ts';
import { startEchoServer } from '../sim/echo.ts';
import type { Fleet } from '../sim/fleet.ts';
import type { HostPort } from './args.ts';
import { formatHostPort, parseFlags, parseHostPort, usageError } from './args.ts';
import { modelSection, placePods, simulatedPods, startSimulators } from './demo-models.ts';
import { startGateway, untilSignalled } from './serve.ts';

const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url));
const host = '127.0.0.1';
const preferredAdminPort = 9901;

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

/** The Services an example's EndpointSlices stand for (`namespace/name`), each to get an echo server. */
function servicesOf(documents: Document.Parsed[]): string[] {
  const services = new Set<string>();
  for (const document of documents) {
    if (document.get('kind') !== 'EndpointSlice') continue;
    const labels = document.getIn(['metadata', 'labels']);
    const service = isMap(labels) ? labels.get(SERVICE_NAME_LABEL) : undefined;
    if (typeof service === 'string')
      services.add(`${document.getIn(['metadata', 'namespace']) ?? 'default'}/${service}`);
  }
  return [...services].sort();
}

/** Listener ports as written when they are free and need no root, else free ones (`--port` sets the first). */
async function portMap(
  documents: Document.Parsed[],
  requested: number | undefined,
): Promise<Map<number, number>> {
  const written = new Set<number>();
  for (const document of documents) {
    if (document.get('kind') !== 'Gateway' && document.get('kind') !== 'ListenerSet') continue;
    const listeners = document.getIn(['spec', 'listeners']);
    for (const item of isSeq(listeners) ? listeners.items : []) {
      const port = isMap(item) ? Number(item.get('port')) : Number.NaN;
      if (Number.isInteger(port)) written.add(port);
    }
  }
  const ports = new Map<number, number>();
  for (const port of [...written].sort((a, b) => a - b)) {
    if (requested !== undefined && ports.size === 0) ports.set(port, requested);
    else ports.set(port, port >= 1024 && (await isFree(port)) ? port : await freePort());
  }
  return ports;
}

/**
 * Copies an example into `dir` with listener ports mapped and every EndpointSlice pointing at its Service's
 * echo server. Edited as YAML documents so the comments stay for people to read.
 */
async function writeManifests(
  files: Map<string, Document.Parsed[]>,
  dir: string,
  ports: Map<number, number>,
  backends: Map<string, EchoServer>,
): Promise<void> {
  for (const [file, documents] of files) {
    for (const document of documents) {
      const kind = document.get('kind');
      if (kind === 'Gateway' || kind === 'ListenerSet') {
        const listeners = document.getIn(['spec', 'listeners']);
        const count = isSeq(listeners) ? listeners.items.length : 0;
        for (let i = 0; i < count; i++) {
          const port = Number(document.getIn(['spec', 'listeners', i, 'port']));
          document.setIn(['spec', 'listeners', i, 'port'], ports.get(port) ?? port);
        }
      }
      if (kind === 'EndpointSlice') {
        const labels = document.getIn(['metadata', 'labels']);
        const service = isMap(labels) ? String(labels.get(SERVICE_NAME_LABEL)) : '';
        const namespace = document.getIn(['metadata', 'namespace']) ?? 'default';
        const backend = backends.get(`${namespace}/${service}`);
        if (!backend) continue;
        const portName = document.getIn(['ports', 0, 'name']);
        document.set(
          'endpoints',
          document.createNode([{ addresses: [backend.address], conditions: { ready: true } }]),
        );
        document.set(
          'ports',
          document.createNode([
            { ...(typeof portName === 'string' ? { name: portName } : {}), port: backend.port },
          ]),
        );
      }
    }
    await writeFile(join(dir, file), documents.map(String).join(''));
  }
}

/** Every manifest file of an example directory, parsed (the directory's own files, not subdirectories). */
async function readExample(exampleDir: string): Promise<Map<string, Document.Parsed[]>> {
  const files = new Map<string, Document.Parsed[]>();
  for (const file of (await readdir(exampleDir)).filter((name) => /\.ya?ml$/.test(name)).sort()) {
    files.set(file, parseAllDocuments(await readFile(join(exampleDir, file), 'utf8')) as Document.Parsed[]);
  }
  return files;
}

/** One curl command per HTTP route path the IR serves. */
export function curlCommands(ir: IR): string[] {
  const commands = new Set<string>();
  for (const port of ir.ports) {
    for (const listener of port.listeners) {
      for (const route of listener.routes) {
        if (route.match.path.type === 'RegularExpression' || route.kind === 'grpc') continue;
        const hostname = (route.hostnames[0] ?? listener.hostname)?.replace(/^\*/, 'demo');
        const path = route.match.path.value;
        const address = formatHostPort(port.address, port.port);
        if (port.protocol === 'HTTPS') {
          const name = hostname ?? 'localhost';
          commands.add(
            `curl -k --resolve ${name}:${port.port}:${port.address} https://${name}:${port.port}${path}`,
          );
        } else {
          commands.add(`curl ${hostname ? `-H 'Host: ${hostname}' ` : ''}http://${address}${path}`);
        }
      }
    }
  }
  return [...commands].sort();
}

function banner(ir: IR, adminAddress: string, dir: string, models: string): string {
  const curls = curlCommands(ir).filter((command) => !/\/v1$/.test(command));
  // An example may serve only models; with neither routes nor models, no listener could be bound.
  const traffic =
    curls.length > 0
      ? ` Send traffic through the gateway:\n\n${curls.map((command) => `  ${command}`).join('\n')}\n`
      : models === ''
        ? '\n\n  (no listener could be bound; see the warnings above)\n'
        : '';
  return `
Sluice demo is running.${traffic}${models}
Look inside with the admin API:

  curl http://${adminAddress}/api/v1/objects
  curl http://${adminAddress}/api/v1/changes
  curl http://${adminAddress}/metrics

The manifests are in ${dir}: edit them and the gateway follows. Ctrl-C stops the demo.
`;
}

export const demoUsage = `Usage: sluice demo [--example NAME|DIR] [--port N] [--admin-address HOST:PORT]

Serves an example's manifests (examples/quickstart unless --example names another directory of examples/,
or a path) against built-in backends: every EndpointSlice is pointed at an echo server standing for its
Service, and every Pod an InferencePool selects gets a simulated vLLM server (127.0.77.x) configured from its
container's vLLM args (served model name, LoRA adapters, --runner pooling for an embedding model), else
serving the model its routes match on. Prints curl commands that work, and the command that runs the
example's client.mjs (the official openai client) when it has one. Listener ports stay as written when free
and unprivileged; --port sets the first listener port. Runs until Ctrl-C.
`;

export async function runDemo(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    port: { type: 'string' },
    'admin-address': { type: 'string' },
    example: { type: 'string' },
  });
  const example = typeof flags.example === 'string' ? flags.example : 'quickstart';
  const exampleDir = /^[\w-]+$/.test(example) ? join(examplesDir, example) : example;
  const files = await readExample(exampleDir).catch(() => {
    throw usageError(`--example ${example}: no such example directory (${exampleDir})`);
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
  // Listener ports stay as written when free (the quickstart's 8080); taken or privileged ones move.
  const ports = await portMap([...files.values()].flat(), requestedPort);

  const signalled = untilSignalled();
  const backends = new Map<string, EchoServer>();
  const pods = simulatedPods([...files.values()].flat());
  let simulators: Fleet | undefined;
  const dir = await mkdtemp(join(tmpdir(), 'sluice-demo-'));
  try {
    for (const key of servicesOf([...files.values()].flat())) {
      const [namespace, service] = key.split('/');
      backends.set(key, await startEchoServer({ host, port: 0, pod: `${service}-0`, namespace, service }));
    }
    if (pods.length > 0) simulators = await startSimulators(pods);
    for (const documents of files.values()) placePods(documents, pods);
    await writeManifests(files, dir, ports, backends);
    const gateway = await startGateway({ configDirs: [dir], admin, defaultAddress: host });
    const applied = gateway.applied();
    const ir = applied?.ir ?? { ports: [], clusters: {} };
    const models = modelSection(ir, pods, exampleDir);
    process.stdout.write(banner(ir, gateway.adminAddress, dir, models));
    await signalled;
    await gateway.close();
  } finally {
    await Promise.all([...backends.values()].map((backend) => backend.close()));
    await simulators?.close();
    await rm(dir, { recursive: true, force: true });
  }
  return 0;
}
