// What upstream's tests of a gateway following its endpoint picker share: a route to a pool made ready
// (route and pool accepted, the Gateway's address, the pool's pods), and requests that choose their endpoints
// through the conformance picker's header, `test-epp-endpoint-selection`.

import assert from 'node:assert/strict';
import type { Request } from '../../conformance/harness/expect.ts';
import type { NamespacedName } from '../../conformance/harness/manifest-store.ts';
import type { InferenceConformanceSuite } from '../harness.ts';
import {
  getGatewayEndpoint,
  httpRouteMustBeAcceptedAndResolved,
  inferencePoolMustBeAcceptedByParent,
} from './inference-status.ts';
import type { ModelServerPod } from './model-servers.ts';
import { appBackendNamespace, endpointSelectionHeader, type PoolPods } from './resources.ts';

/** The completion request most upstream tests send (not on an inference path, so the body is not parsed). */
export const criticRequestBody = `{
  "model": "conformance-fake-model",
  "prompt": "Write as if you were a critic: San Francisco"
}`;

/** Where a test's requests go: its route's hostname and path, and the body they carry. */
export interface RouteTarget {
  host: string;
  path: string;
  /** `criticRequestBody` unless the upstream test sends another. */
  body?: string;
}

/** A POST of the target's body asking the picker for `selection`: `ip` or `ip:port`, comma-separated. */
export function selectionRequest(target: RouteTarget, selection: string): Request {
  return {
    host: target.host,
    path: target.path,
    method: 'POST',
    body: target.body ?? criticRequestBody,
    headers: { [endpointSelectionHeader]: selection },
  };
}

/**
 * Upstream's single-pod pin: a request that selects `pod` (its address unless `selection` says otherwise) is
 * answered by that pod, eventually consistently, with `headers` in the response when given.
 */
export async function selectedPodMustAnswer(
  suite: InferenceConformanceSuite,
  gatewayAddress: string,
  target: RouteTarget,
  pod: ModelServerPod,
  options: { selection?: string; headers?: Record<string, string> } = {},
): Promise<void> {
  await suite.expectEventuallyConsistentResponse(gatewayAddress, {
    request: selectionRequest(target, options.selection ?? pod.ip),
    response: { statusCodes: [200], ...(options.headers ? { headers: options.headers } : {}) },
    backend: pod.name,
    namespace: appBackendNamespace,
  });
}

/**
 * What upstream checks before sending: `route` Accepted with its refs resolved, the pool Accepted by
 * `gateway`, the Gateway's address, and exactly the pool's number of pods.
 */
export async function readyPoolRoute(
  suite: InferenceConformanceSuite,
  route: NamespacedName,
  gateway: NamespacedName,
  { pool, app, replicas }: PoolPods,
): Promise<{ gwAddr: string; pods: ModelServerPod[] }> {
  await httpRouteMustBeAcceptedAndResolved(suite, route, gateway);
  await inferencePoolMustBeAcceptedByParent(suite, pool, gateway);
  const gwAddr = await getGatewayEndpoint(suite, gateway);
  const pods = suite.pods(app);
  assert.equal(pods.length, replicas, `pods of ${app}`);
  return { gwAddr, pods };
}
