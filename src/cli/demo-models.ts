// The model-serving part of `sluice demo`: a simulated vLLM server for every Pod an InferencePool of the
// example selects, configured from the Pod's vLLM args, each on its own loopback address, and the
// OpenAI-style commands that reach them.

import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Document } from 'yaml';
import { isMap, isScalar, isSeq } from 'yaml';
import { inferenceHeaders } from '../inference/requestcontrol/headers.ts';
import type { IR, IRRoute } from '../ir/types.ts';
import { type Clock, ScaledClock } from '../sim/clock.ts';
import type { Fleet } from '../sim/fleet.ts';
import { type ReplicaOptions, replicaDefaults } from '../sim/options.ts';
import { type Replica, startReplica } from '../sim/replica.ts';
import { formatHostPort } from './args.ts';
import { vllmArgsOptions } from './demo-vllm-args.ts';

/** Where the simulated Pods live: one address each, from a loopback block nothing else of the demo uses. */
const podAddressBase = [127, 0, 77];
const firstPodAddress = 10;
const podAddressCount = 200;

export interface SimulatedPod {
  namespace: string;
  name: string;
  /** Where its simulators listen: set by `startSimulators`. */
  address: string;
  ports: number[];
  /** The served model name: from the container's vLLM args, else what the pool's routes match on. */
  model: string;
  /** What the container's vLLM args ask of the simulator (adapters, runner, limits). */
  options: Partial<ReplicaOptions>;
}

function stringMap(node: unknown): Record<string, string> {
  if (!isMap(node)) return {};
  return Object.fromEntries(node.items.map((pair) => [String(pair.key), String(pair.value)]));
}

function stringList(node: unknown): string[] {
  return isSeq(node) ? node.items.map((item) => String(isScalar(item) ? item.value : item)) : [];
}

const modelHeaders = new Set<string>([inferenceHeaders.modelName, inferenceHeaders.baseModelName]);

/** The model each pool serves: the first model (or base model) name its routes match on, else the pool's name. */
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
        .find((header) => modelHeaders.has(header.name.toLowerCase()))?.value;
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
    const name = String(document.getIn(['metadata', 'name']));
    const labels = stringMap(document.getIn(['metadata', 'labels']));
    const pool = pools.find(
      (candidate) =>
        candidate.namespace === namespace &&
        Object.entries(candidate.selector).every(([key, value]) => labels[key] === value),
    );
    if (!pool) continue;
    const args = stringList(document.getIn(['spec', 'containers', 0, 'args']));
    const options = vllmArgsOptions(args, `Pod ${namespace}/${name}`);
    pods.push({
      namespace,
      name,
      address: '',
      ports: pool.ports,
      model: options.model ?? pool.model,
      options,
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

/** A simulator on each of the Pod's ports at `address`, or undefined when one of them is taken there. */
async function startPod(
  pod: SimulatedPod,
  address: string,
  seed: number,
  clock: Clock,
): Promise<Replica[] | undefined> {
  const started: Replica[] = [];
  try {
    for (const port of pod.ports) {
      const options = { ...replicaDefaults, ...pod.options, host: address, port, model: pod.model };
      started.push(await startReplica({ ...options, pod: pod.name, namespace: pod.namespace, seed }, clock));
    }
    return started;
  } catch (error) {
    await Promise.all(started.map((replica) => replica.close()));
    if (error instanceof Error && Reflect.get(error, 'code') === 'EADDRINUSE') return undefined;
    throw error;
  }
}

/**
 * Starts each Pod's simulators on the next loopback address where all its ports bind, and records the address
 * in the Pod. Binding is the test (not probing first), so demos starting side by side never collide.
 */
export async function startSimulators(pods: SimulatedPod[]): Promise<Fleet> {
  const clock = new ScaledClock(1);
  const replicas: Replica[] = [];
  const close = async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
  };
  let next = firstPodAddress;
  try {
    for (const [index, pod] of pods.entries()) {
      for (;;) {
        if (next >= firstPodAddress + podAddressCount)
          throw new Error('no free loopback address for a simulated Pod');
        const address = [...podAddressBase, next++].join('.');
        const started = await startPod(pod, address, index, clock);
        if (started === undefined) continue;
        pod.address = address;
        replicas.push(...started);
        break;
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { replicas, close };
}

/** Where a pool route serves a model: the listener's origin, the Host it needs (null: any) and the model. */
interface ModelEndpoint {
  origin: string;
  host: string | null;
  model: string;
}

/**
 * The model names a pool route serves: the one it matches on, or — for a route that matches the base model —
 * that base model and every adapter the Gateway's model-mapping ConfigMaps name for it.
 */
function routeModels(route: IRRoute, baseModels: Readonly<Record<string, string>>): string[] {
  const header = (name: string) => route.match.headers.find((match) => match.name === name)?.value;
  const model = header(inferenceHeaders.modelName);
  if (model) return [model];
  const base = header(inferenceHeaders.baseModelName);
  if (!base) return [];
  return [base, ...Object.keys(baseModels).filter((name) => name !== base && baseModels[name] === base)];
}

/** Every model name a pool route of the IR matches on, where it is served. */
function modelEndpoints(ir: IR): ModelEndpoint[] {
  const endpoints: ModelEndpoint[] = [];
  for (const port of ir.ports) {
    if (port.protocol !== 'HTTP') continue;
    for (const listener of port.listeners) {
      for (const route of listener.routes) {
        if (!route.backends.some((backend) => backend.target.kind === 'pool')) continue;
        const origin = `http://${formatHostPort(port.address, port.port)}`;
        const host = route.hostnames.length > 0 ? route.hostnames[0] : listener.hostname;
        for (const model of routeModels(route, port.baseModels ?? {}))
          endpoints.push({ origin, host, model });
      }
    }
  }
  return endpoints;
}

/**
 * The OpenAI calls that reach the simulated Pods, as curl commands: the model list of each listener, then a
 * chat completion per model, or an embedding for the models of embedding Pods.
 */
function modelCommands(endpoints: ModelEndpoint[], embeddingModels: ReadonlySet<string>): string[] {
  const lists = new Set<string>();
  const calls = new Set<string>();
  for (const { origin, host, model } of endpoints) {
    const hostHeader = host ? `-H 'Host: ${host}' ` : '';
    lists.add(`curl ${hostHeader}${origin}/v1/models`);
    const [path, body] = embeddingModels.has(model)
      ? ['embeddings', { model, input: 'Hello!' }]
      : ['chat/completions', { model, messages: [{ role: 'user', content: 'Hello!' }], max_tokens: 20 }];
    calls.add(
      `curl ${hostHeader}-H 'content-type: application/json' ${origin}/v1/${path} -d '${JSON.stringify(body)}'`,
    );
  }
  return [...[...lists].sort(), ...[...calls].sort()];
}

/** The example's openai-client script, run against the first listener that serves models to any Host. */
function clientCommand(exampleDir: string, endpoints: ModelEndpoint[]): string | undefined {
  const script = join(exampleDir, 'client.mjs');
  const origin = endpoints.find((endpoint) => endpoint.host === null)?.origin;
  if (origin === undefined || !existsSync(script)) return undefined;
  return `npx node ${relative(process.cwd(), script)} ${origin}/v1`;
}

/** The banner's part about models: curl commands, and the example's openai client if it has one. */
export function modelSection(ir: IR, pods: SimulatedPod[], exampleDir: string): string {
  const endpoints = modelEndpoints(ir);
  const embeddingModels = new Set(
    pods.filter((pod) => pod.options.runner === 'pooling').map((pod) => pod.model),
  );
  const commands = modelCommands(endpoints, embeddingModels);
  if (commands.length === 0) return '';
  const indent = (lines: string[]) => lines.map((line) => `  ${line}`).join('\n');
  const client = clientCommand(exampleDir, endpoints);
  return `
Talk to the simulated model servers through the gateway (OpenAI API: the body's model picks the pool;
with curl -i, x-gateway-destination-endpoint-served says which Pod answered, x-inference-model what it served):

${indent(commands)}
${client === undefined ? '' : `\nThe same through the official openai client, streaming included:\n\n${indent([client])}\n`}`;
}
