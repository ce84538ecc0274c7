// Test support for the inference data-plane suites: simulated vLLM replicas on 127.0.0.1, InferencePool and
// model-route IR builders, EndpointPickerConfig texts, a data plane applied with pools, an OpenAI client for
// it, and polling. Used only by tests; the plain data-plane helpers are in ../testkit.ts.

import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { IRBackend, IRCluster, IRInferencePool, IRPort, IRRoute } from '../../ir/types.ts';
import { type Clock, ScaledClock } from '../../sim/clock.ts';
import { type ReplicaOptions, replicaDefaults } from '../../sim/options.ts';
import { type Replica, startReplica } from '../../sim/replica.ts';
import type { DataPlane } from '../dataplane.ts';
import { ir, prefixMatch, route } from '../testkit.ts';

/** A thousand simulated seconds per wall second: answers come at once. */
export const fastClock = new ScaledClock(1000);

/** A simulated vLLM server for `model` on a free 127.0.0.1 port, its pod named `pod`. */
export function startSim(
  model: string,
  pod: string,
  overrides: Partial<ReplicaOptions> = {},
  clock: Clock = fastClock,
): Promise<Replica> {
  return startReplica({ ...replicaDefaults, port: 0, model, pod, ...overrides }, clock);
}

/** `address:port` of a server on 127.0.0.1, as the picker names endpoints. */
export function endpointOf(server: { port: number }): string {
  return `127.0.0.1:${server.port}`;
}

/** A pool of endpoints on 127.0.0.1 (named `<id>-<index>`), with the default picker unless `fields` say. */
export function inferencePool(
  id: string,
  ports: number[],
  fields: Partial<IRInferencePool> = {},
): IRInferencePool {
  return {
    id,
    protocol: 'http1',
    endpoints: ports.map((port, i) => ({ address: '127.0.0.1', port, name: `${id}-${i}`, labels: {} })),
    pickerConfig: '',
    objectives: {},
    modelRewrites: [],
    ...fields,
  };
}

export function toPool(poolId: string): IRBackend {
  return { weight: 1, target: { kind: 'pool', pool: poolId }, filters: [] };
}

/** A route for one model name (matched on x-gateway-model-name) to a pool. */
export function modelRoute(model: string, poolId: string, fields: Partial<IRRoute> = {}): IRRoute {
  return route(`model/${model}`, {
    match: prefixMatch('/v1', { headers: [{ name: 'x-gateway-model-name', type: 'Exact', value: model }] }),
    backends: [toPool(poolId)],
    ...fields,
  });
}

/** An EndpointPickerConfig document with `body` after its kind. */
export function pickerConfig(body: string): string {
  return `apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
${body}`;
}

/**
 * Saturation from the queue alone, with metrics that never go stale during a test; `flowControl`, when
 * given, is the config's flowControl section and turns the feature gate on.
 */
export function queueSaturationConfig(flowControl = ''): string {
  return pickerConfig(`${flowControl === '' ? '' : 'featureGates: [flowControl]\n'}plugins:
  - type: utilization-detector
    parameters: {metricsStalenessThreshold: 10m}
  - type: queue-scorer
schedulingProfiles:
  - name: default
    plugins:
      - pluginRef: queue-scorer
saturationDetector: {pluginRef: utilization-detector}
${flowControl}`);
}

/** Applies an IR of `ports` with `pools` (and plain `clusters`); every socket must bind. */
export async function applyWithPools(
  plane: DataPlane,
  ports: IRPort[],
  pools: IRInferencePool[],
  clusters: IRCluster[] = [],
): Promise<void> {
  const report = await plane.apply({
    ...ir(ports, clusters),
    pools: Object.fromEntries(pools.map((pool) => [pool.id, pool])),
  });
  assert.deepEqual(report.failed, []);
}

/** The official OpenAI client on the gateway's port, without its retries (each test sees every answer). */
export function openAiClient(port: number): OpenAI {
  return new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'unused', maxRetries: 0 });
}

/** Polls `check` until it holds; the loop's own bound only turns a hang into a failure. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail(`never happened: ${what}`);
}
