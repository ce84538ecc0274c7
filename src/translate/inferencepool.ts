// InferencePool phase: pools referenced by routes become IR pools (ready Pods × target ports, picker
// configuration, objectives, model rewrites), and pools report their parents' status.

import { SluiceError } from '../errors.ts';
import { parseEndpointPickerConfig } from '../inference/scheduling/config.ts';
import type { IRInferencePool, IRModelRewrite, IRPoolEndpoint } from '../ir/types.ts';
import type { Pod } from '../resources/core.ts';
import type { BackendObjectReference } from '../resources/gateway-api.ts';
import { GATEWAY_GROUP } from '../resources/gateway-api.ts';
import type { InferencePool } from '../resources/inference-api.ts';
import { INFERENCE_GROUP } from '../resources/inference-api.ts';
import type { KubeObject } from '../resources/object.ts';
import type { BackendResolution } from './backends.ts';
import { condition } from './conditions.ts';
import { key, type TranslateContext } from './context.ts';
import { referencePermitted } from './referencegrant.ts';
import type { ObjectStatus, StatusCondition } from './types.ts';
import { gatewaysUsing } from './usage.ts';

/** Annotation naming the ConfigMap (same namespace, key `config.yaml`) with the pool's EndpointPickerConfig. */
export const PICKER_CONFIG_ANNOTATION = 'sluice.dev/endpoint-picker-config';
const PICKER_CONFIG_KEY = 'config.yaml';

export function isInferencePoolRef(ref: BackendObjectReference): boolean {
  return ref.group === INFERENCE_GROUP && ref.kind === 'InferencePool';
}

/** Resolves a backendRef to an InferencePool (its port is ignored), registering the IR pool. */
export function resolvePoolBackend(
  context: TranslateContext,
  route: KubeObject,
  ref: BackendObjectReference,
): BackendResolution {
  const routeNamespace = route.metadata.namespace ?? 'default';
  const namespace = ref.namespace ?? routeNamespace;
  const from = { group: GATEWAY_GROUP, kind: route.kind, namespace: routeNamespace };
  if (
    !referencePermitted(context, from, {
      group: INFERENCE_GROUP,
      kind: 'InferencePool',
      namespace,
      name: ref.name,
    })
  ) {
    const message = `no ReferenceGrant in namespace ${namespace} allows ${route.kind}s in ${routeNamespace} to use InferencePool ${ref.name}`;
    return {
      target: { kind: 'invalid', status: 500, reason: message },
      problem: { reason: 'RefNotPermitted', message },
    };
  }
  const pool = context.inferencePools.get(key(namespace, ref.name));
  if (!pool) {
    const message = `InferencePool ${namespace}/${ref.name} does not exist`;
    return {
      target: { kind: 'invalid', status: 500, reason: message },
      problem: { reason: 'BackendNotFound', message },
    };
  }
  const id = `inferencepool/${namespace}/${ref.name}`;
  if (!context.pools.has(id)) context.pools.set(id, buildPool(context, id, pool));
  return { target: { kind: 'pool', pool: id } };
}

function buildPool(context: TranslateContext, id: string, pool: InferencePool): IRInferencePool {
  const namespace = pool.metadata.namespace ?? 'default';
  const poolRefers = (ref: { group: string; kind: string; name: string }) =>
    ref.group === INFERENCE_GROUP && ref.kind === 'InferencePool' && ref.name === pool.metadata.name;
  const objectives: Record<string, number> = {};
  for (const objective of context.inferenceObjectives) {
    if (objective.metadata.namespace !== namespace || !objective.spec || !poolRefers(objective.spec.poolRef))
      continue;
    objectives[objective.metadata.name] ??= objective.spec.priority ?? 0;
  }
  const modelRewrites: IRModelRewrite[] = [];
  for (const rewrite of context.inferenceModelRewrites) {
    if (rewrite.metadata.namespace !== namespace || !rewrite.spec || !poolRefers(rewrite.spec.poolRef))
      continue;
    for (const rule of rewrite.spec.rules) {
      const targets = (rule.targets ?? [])
        .filter((target) => target.modelRewrite !== '')
        .map((target) => ({ model: target.modelRewrite, weight: target.weight ?? 1 }));
      if (targets.length > 0)
        modelRewrites.push({ models: (rule.matches ?? []).map((m) => m.model.value), targets });
    }
  }
  return {
    id,
    protocol: pool.spec.appProtocol === 'kubernetes.io/h2c' ? 'h2c' : 'http1',
    endpoints: poolEndpoints(context.pods.get(namespace) ?? [], pool),
    pickerConfig: pickerConfig(context, pool).text,
    objectives,
    modelRewrites,
  };
}

/** Ready Pods matching the selector, one endpoint per target port, in a stable order. */
function poolEndpoints(pods: Pod[], pool: InferencePool): IRPoolEndpoint[] {
  const selector = Object.entries(pool.spec.selector.matchLabels);
  const endpoints: IRPoolEndpoint[] = [];
  for (const pod of pods) {
    const labels = pod.metadata.labels ?? {};
    if (!selector.every(([name, value]) => labels[name] === value)) continue;
    const address = pod.status?.podIP;
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'False';
    if (!address || !ready || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    for (const port of pool.spec.targetPorts) {
      endpoints.push({ address, port: port.number, name: pod.metadata.name, labels });
    }
  }
  return endpoints.sort((a, b) => `${a.address}:${a.port}`.localeCompare(`${b.address}:${b.port}`));
}

/** The pool's EndpointPickerConfig text, or the default ('') with the reason when it cannot be used. */
function pickerConfig(context: TranslateContext, pool: InferencePool): { text: string; problem?: string } {
  const name = pool.metadata.annotations?.[PICKER_CONFIG_ANNOTATION];
  if (name === undefined) return { text: '' };
  const namespace = pool.metadata.namespace ?? 'default';
  const text = context.configMaps.get(key(namespace, name))?.data?.[PICKER_CONFIG_KEY];
  if (text === undefined) {
    return {
      text: '',
      problem: `ConfigMap ${namespace}/${name} with key ${PICKER_CONFIG_KEY} does not exist`,
    };
  }
  try {
    parseEndpointPickerConfig(text, `ConfigMap ${namespace}/${name} ${PICKER_CONFIG_KEY}`);
    return { text };
  } catch (error) {
    return { text: '', problem: error instanceof SluiceError ? error.message : String(error) };
  }
}

/**
 * InferencePool status: one parent entry per Gateway whose accepted routes use the pool. Problems that do not
 * stop the pool from serving (a picker config that cannot be used, an external picker reference) are reported
 * in `ResolvedRefs`.
 */
export function writeInferencePoolStatus(context: TranslateContext, status: Map<string, ObjectStatus>): void {
  for (const pool of context.inferencePools.values()) {
    const namespace = pool.metadata.namespace ?? 'default';
    const gateways = gatewaysUsing(
      context,
      status,
      (ref, routeNamespace) =>
        ref.group === INFERENCE_GROUP &&
        ref.kind === 'InferencePool' &&
        (ref.namespace ?? routeNamespace) === namespace &&
        ref.name === pool.metadata.name,
    );
    if (gateways.length === 0) continue;
    const conditions = poolConditions(context, pool);
    status.set(`InferencePool/${namespace}/${pool.metadata.name}`, {
      object: pool,
      status: {
        parents: gateways.map((gateway) => {
          const [gatewayNamespace, name] = gateway.split('/');
          return {
            parentRef: { group: GATEWAY_GROUP, kind: 'Gateway', namespace: gatewayNamespace, name },
            controllerName: context.options.controllerName,
            conditions,
          };
        }),
      },
    });
  }
}

function poolConditions(context: TranslateContext, pool: InferencePool): StatusCondition[] {
  const problems: string[] = [];
  const config = pickerConfig(context, pool);
  if (config.problem) problems.push(`the default endpoint picker profile is used: ${config.problem}`);
  const ref = pool.spec.endpointPickerRef;
  if (ref) {
    problems.push(
      `endpointPickerRef ${ref.kind} ${ref.name} is not used: Sluice picks endpoints in-process (external pickers are not supported yet)`,
    );
  }
  return [
    condition(pool, 'Accepted', true, 'Accepted', 'InferencePool is served by Sluice'),
    problems.length === 0
      ? condition(pool, 'ResolvedRefs', true, 'ResolvedRefs', 'All references are resolved')
      : condition(pool, 'ResolvedRefs', false, 'InvalidExtensionRef', problems.join('; ')),
  ];
}
