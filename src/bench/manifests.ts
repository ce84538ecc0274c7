// The manifests `sluice serve` gets for a benchmark: one Gateway and HTTPRoute (fixed), and the
// InferencePool over the replicas' Pods with the strategy's picker configuration (rewritten per run).

import { stringify } from 'yaml';
import { PICKER_CONFIG_ANNOTATION } from '../translate/inferencepool.ts';
import { CONTROLLER_NAME } from '../translate/types.ts';

export const poolName = 'bench';
/** The pool's id in the IR the admin API serves. */
export const poolId = `inferencepool/default/${poolName}`;
const podLabels = { app: 'sluice-bench-replica' };
const pickerConfigMap = 'bench-picker';

export interface Replica {
  pod: string;
  address: string;
}

function yamlDocuments(objects: readonly object[]): string {
  return objects.map((object) => stringify(object)).join('---\n');
}

/** GatewayClass, a Gateway on `address:port`, and an HTTPRoute sending every `/v1` request to the pool. */
export function gatewayManifests(address: string, port: number): string {
  return yamlDocuments([
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: 'sluice-bench' },
      spec: { controllerName: CONTROLLER_NAME },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'bench', namespace: 'default' },
      spec: {
        gatewayClassName: 'sluice-bench',
        addresses: [{ type: 'IPAddress', value: address }],
        listeners: [{ name: 'http', port, protocol: 'HTTP' }],
      },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'bench', namespace: 'default' },
      spec: {
        parentRefs: [{ name: 'bench' }],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/v1' } }],
            backendRefs: [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: poolName }],
          },
        ],
      },
    },
  ]);
}

/**
 * The pool, its ready Pods (one per replica, all on `port`) and, unless `pickerConfig` is '' (the
 * default profile), the ConfigMap the pool's annotation names.
 */
export function poolManifests(replicas: readonly Replica[], port: number, pickerConfig: string): string {
  const annotated = pickerConfig !== '';
  return yamlDocuments([
    {
      apiVersion: 'inference.networking.k8s.io/v1',
      kind: 'InferencePool',
      metadata: {
        name: poolName,
        namespace: 'default',
        ...(annotated && { annotations: { [PICKER_CONFIG_ANNOTATION]: pickerConfigMap } }),
      },
      spec: { selector: { matchLabels: podLabels }, targetPorts: [{ number: port }] },
    },
    ...(annotated
      ? [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: pickerConfigMap, namespace: 'default' },
            data: { 'config.yaml': pickerConfig },
          },
        ]
      : []),
    ...replicas.map((replica) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: replica.pod, namespace: 'default', labels: podLabels },
      spec: { containers: [{ name: 'vllm', image: 'sluice-sim' }] },
      status: { podIP: replica.address, conditions: [{ type: 'Ready', status: 'True' }] },
    })),
  ]);
}
