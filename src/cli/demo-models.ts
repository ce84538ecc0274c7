// The model-serving part of `sluice demo`: a simulated vLLM server for every Pod an InferencePool of the
// example selects, each on its own loopback address, and the OpenAI-style commands that reach them.

import { createServer } from 'node:net';
import type { Document } from 'yaml';
import { isMap, isSeq } from 'yaml';
import type { IR } from '../ir/types.ts';
import { ScaledClock } from '../sim/clock.ts';
import { type Fleet, startFleet } from '../sim/fleet.ts';
import { replicaDefaults } from '../sim/options.ts';
import { formatHostPort } from './args.ts';

/** Where the simulated Pods live: one address each, from a loopback block nothing else of the demo uses. */
const podAddressBase = [127, 0, 77];
const podAddressCount = 200;

function portFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, address, () => probe.close(() => resolve(true)));
  });
}

/** Gives each Pod the next address whose ports are all free (another demo may be running). */
export async function assignPodAddresses(pods: SimulatedPod[]): Promise<void> {
  let next = 10;
  for (const pod of pods) {
    for (;;) {
      if (next >= 10 + podAddressCount) throw new Error('no free loopback address for a simulated Pod');
      const address = [...podAddressBase, next++].join('.');
      const free = await Promise.all(pod.ports.map((port) => portFree(address, port)));
      if (free.every(Boolean)) {
        pod.address = address;
        break;
      }
    }
  }
}

export interface SimulatedPod {
  namespace: string;
  name: string;
  address: string;
  ports: number[];
  model: string;
}

function stringMap(node: unknown): Record<string, string> {
  if (!isMap(node)) return {};
  return Object.fromEntries(node.items.map((pair) => [String(pair.key), String(pair.value)]));
}

/** The model each pool serves: the first model name its routes match on, else the pool's name. */
function poolModels(documents: Document.Parsed[]): Map<string, string> {
  const models = new Map<string, string>();
  for (const document of documents) {
    if (document.get('kind') !== 'HTTPRoute') continue;
    const namespace = String(document.getIn(['metadata', 'namespace']) ?? 'default');
    const route = document.toJS() as {
      spec?: {
        rules?: {
          matches?: { headers?: { name: string; value: string }[] }[];
          backendRefs?: { kind?: string; name: string }[];
        }[];
      };
    };
    for (const rule of route.spec?.rules ?? []) {
      const model = rule.matches
        ?.flatMap((match) => match.headers ?? [])
        .find((header) => header.name.toLowerCase() === 'x-gateway-model-name')?.value;
      for (const ref of rule.backendRefs ?? []) {
        if (ref.kind === 'InferencePool' && model && !models.has(`${namespace}/${ref.name}`)) {
          models.set(`${namespace}/${ref.name}`, model);
        }
      }
    }
  }
  return models;
}

/** The Pods that InferencePools of the example select, with the ports and model each gets (no address yet). */
export function simulatedPods(documents: Document.Parsed[]): SimulatedPod[] {
  const models = poolModels(documents);
  const pools = documents
    .filter((document) => document.get('kind') === 'InferencePool')
    .map((document) => {
      const namespace = String(document.getIn(['metadata', 'namespace']) ?? 'default');
      const name = String(document.getIn(['metadata', 'name']));
      const ports = document.getIn(['spec', 'targetPorts']);
      return {
        namespace,
        selector: stringMap(document.getIn(['spec', 'selector', 'matchLabels'])),
        ports: isSeq(ports)
          ? ports.items.map((item) => Number(isMap(item) ? item.get('number') : Number.NaN))
          : [],
        model: models.get(`${namespace}/${name}`) ?? name,
      };
    });
  const pods: SimulatedPod[] = [];
  for (const document of documents) {
    if (document.get('kind') !== 'Pod') continue;
    const namespace = String(document.getIn(['metadata', 'namespace']) ?? 'default');
    const labels = stringMap(document.getIn(['metadata', 'labels']));
    const pool = pools.find(
      (candidate) =>
        candidate.namespace === namespace &&
        Object.entries(candidate.selector).every(([key, value]) => labels[key] === value),
    );
    if (!pool) continue;
    pods.push({
      namespace,
      name: String(document.getIn(['metadata', 'name'])),
      address: '',
      ports: pool.ports,
      model: pool.model,
    });
  }
  return pods;
}

/** Points each simulated Pod's `status.podIP` at its simulator. */
export function placePods(documents: Document.Parsed[], pods: SimulatedPod[]): void {
  for (const document of documents) {
    if (document.get('kind') !== 'Pod') continue;
    const pod = pods.find(
      (candidate) =>
        candidate.name === String(document.getIn(['metadata', 'name'])) &&
        candidate.namespace === String(document.getIn(['metadata', 'namespace']) ?? 'default'),
    );
    if (!pod) continue;
    document.set(
      'status',
      document.createNode({ podIP: pod.address, conditions: [{ type: 'Ready', status: 'True' }] }),
    );
  }
}

export function startSimulators(pods: SimulatedPod[]): Promise<Fleet> {
  return startFleet(
    pods.flatMap((pod, index) =>
      pod.ports.map((port) => ({
        ...replicaDefaults,
        host: pod.address,
        port,
        model: pod.model,
        pod: pod.name,
        namespace: pod.namespace,
        seed: index,
      })),
    ),
    new ScaledClock(1),
  );
}

/** One chat completion command per model a pool route matches on. */
export function modelCommands(ir: IR): string[] {
  const commands = new Set<string>();
  for (const port of ir.ports) {
    if (port.protocol !== 'HTTP') continue;
    for (const listener of port.listeners) {
      for (const route of listener.routes) {
        if (!route.backends.some((backend) => backend.target.kind === 'pool')) continue;
        const model = route.match.headers.find((header) => header.name === 'x-gateway-model-name')?.value;
        if (!model) continue;
        const hostname = route.hostnames[0] ?? listener.hostname;
        const host = hostname ? `-H 'Host: ${hostname}' ` : '';
        const body = JSON.stringify({
          model,
          messages: [{ role: 'user', content: 'Hello!' }],
          max_tokens: 20,
        });
        commands.add(
          `curl ${host}-H 'content-type: application/json' http://${formatHostPort(port.address, port.port)}/v1/chat/completions -d '${body}'`,
        );
      }
    }
  }
  return [...commands].sort();
}
