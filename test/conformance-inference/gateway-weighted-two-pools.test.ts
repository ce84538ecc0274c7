// Inference conformance GatewayWeightedAcrossTwoInferencePools (upstream gateway_weighted_two_pools.go): one rule
// splits traffic 70/30 across two InferencePools by backendRef weight, and every request lands on an endpoint
// of the pool it was sent to, whichever pool's pods the picker header names.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readyPoolRoute, selectedPodMustAnswer, selectionRequest } from './harness/endpoint-selection.ts';
import {
  appBackendNamespace as ns,
  primaryGateway,
  primaryPoolPods,
  secondaryPoolPods,
} from './harness/resources.ts';
import { sendConcurrently } from './harness/traffic.ts';
import { InferenceConformanceSuite } from './harness.ts';

const suite = new InferenceConformanceSuite({ block: 215, manifests: ['gateway-weighted-two-pools.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('GatewayWeightedAcrossTwoInferencePools', async () => {
  const target = { host: 'primary.example.com', path: '/weighted-two-pools-test' };
  // Enough requests for the weights to show through the noise; the weights are the manifest's.
  const totalRequests = 200;
  const concurrentRequests = 5;
  const primaryWeight = 70;
  const secondaryWeight = 30;
  const route = { namespace: ns, name: 'httproute-weighted-two-pools' };

  const { gwAddr, pods: primaryPods } = await readyPoolRoute(suite, route, primaryGateway, primaryPoolPods);
  const { pods: secondaryPods } = await readyPoolRoute(suite, route, primaryGateway, secondaryPoolPods);

  // Every pod of both pools answers on its own before the concurrent traffic starts.
  const warmUp = { ...target, body: '{"model":"conformance-fake-model","prompt":"Warmup"}' };
  for (const pod of [...primaryPods, ...secondaryPods]) {
    await selectedPodMustAnswer(suite, gwAddr, warmUp, pod, { selection: `${pod.ip}:${suite.port(3000)}` });
  }

  // The union of both pools' pods: each pool's picker keeps those that are its own.
  const expected = {
    request: selectionRequest(target, [...primaryPods, ...secondaryPods].map((pod) => pod.ip).join(',')),
    response: { statusCode: 200 },
    namespace: ns,
  };
  await suite.expectEventuallyConsistentResponse(gwAddr, expected);

  const primaryNames = new Set(primaryPods.map((pod) => pod.name));
  const secondaryNames = new Set(secondaryPods.map((pod) => pod.name));
  const captures = await sendConcurrently(gwAddr, expected, totalRequests, concurrentRequests, (captured) =>
    primaryNames.has(captured.pod) || secondaryNames.has(captured.pod)
      ? undefined
      : `handled by unexpected pod ${captured.pod} (not in either pool)`,
  );
  const primaryHits = captures.filter((captured) => primaryNames.has(captured.pod)).length;
  assert.equal(captures.length, totalRequests, 'sum of hits must equal number of attempts');

  const observedPrimary = primaryHits / totalRequests;
  const expectedPrimary = primaryWeight / (primaryWeight + secondaryWeight);
  // A 4.5-sigma band (at least ±0.10) keeps false failures below 0.001 % at this sample size.
  const sigma = Math.sqrt((expectedPrimary * (1 - expectedPrimary)) / totalRequests);
  const tolerance = Math.max(0.1, 4.5 * sigma);
  assert.ok(
    Math.abs(observedPrimary - expectedPrimary) <= tolerance,
    `weighted split out of bounds: observed primary=${observedPrimary.toFixed(3)} (hits=${primaryHits}/${totalRequests}), expected=${expectedPrimary.toFixed(3)}, tolerance=±${tolerance.toFixed(3)}`,
  );
});
